"""The patch's prologue (sections 0 and 1 of templates/patch.polus.c.j2): how
the program was compiled and how it configured and included the system
headers, taken from what the frontend recorded -- never by reading the
program's files again.

    build_prologue(prog_new, prog_old) -> (defines, includes)

defines: the -D options of Program.cflags, then the feature macros
(_GNU_SOURCE, _FILE_OFFSET_BITS, ...) a translation unit of the new version
defines before its first system #include; they are in effect for every
header, so the patch defines them first.

includes: every system header either version includes (Program.
system_includes, first-seen order, new version first; the old version's
types need its headers too), each with the glibc-internal __USE_* macros a
TU of the new version defines between its includes, right before the header
that follows them in that TU (Program.system_prologue).  The patch compiles
the new version's code, so only its macros count.  Other macros a TU defines
after its first system include are left out: feature-test macros come too
late for <features.h> by then (it reads them once), and a switch such as
NDEBUG that a header reads each time is not placed by header yet.

A header found among polusgen's fake libc headers that does not exist on
this machine (say <tcpd.h> without its -dev package) is left out: the patch
is built against the real headers.  Other libraries' headers are kept as
recorded.
"""
from __future__ import annotations

import re
import subprocess
from functools import lru_cache

from polusgen.model import Program
from polusgen.resources import fake_libc_dir

_INCLUDE = re.compile(r"#include <([^>]+)>$")
_DEFINE = re.compile(r"#(define|undef)\s+(\w+)\s*(.*)$")


@lru_cache(maxsize=None)
def header_exists(name: str) -> bool:
    """`#include <name>` preprocesses with this machine's gcc."""
    try:
        r = subprocess.run(["gcc", "-E", "-x", "c", "-", "-o", "/dev/null"], input=f"#include <{name}>\n",
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _buildable(header: str) -> bool:
    if header == "polus.h":                 # the patch includes the runtime's own, last
        return False
    return not (fake_libc_dir() / header).is_file() or header_exists(header)


def _tu_lines(prog: Program, tu: str) -> list[str]:
    if tu in prog.system_prologue:
        return prog.system_prologue[tu]
    return [f"#include <{h}>" for h in prog.system_includes.get(tu, [])]


def _cflag_defines(cflags: list[str]) -> list[dict]:
    out = []
    for f in cflags:
        if f.startswith("-D") and len(f) > 2:
            name, _, value = f[2:].partition("=")
            if re.fullmatch(r"[A-Za-z_]\w*", name):
                out.append({"name": name, "value": value or "1"})
    return out


def build_prologue(prog_new: Program, prog_old: Program) -> tuple[list[dict], list[dict]]:
    """(defines [{"name", "value"}], includes [{"header", "before": [(name, value)]}])."""
    features: dict[str, str] = {}
    before: dict[str, dict[str, str]] = {}
    headers: dict[str, None] = {}
    for prog in (prog_new, prog_old):
        for tu in prog.files:
            tu_features: dict[str, str] = {}
            pending: dict[str, str] = {}
            seen_include = False
            for line in _tu_lines(prog, tu):
                m = _INCLUDE.match(line)
                if m:
                    headers.setdefault(m.group(1), None)
                    if pending:
                        for name, value in pending.items():
                            before.setdefault(m.group(1), {}).setdefault(name, value)
                        pending = {}
                    seen_include = True
                    continue
                m = _DEFINE.match(line)
                if not m or prog is not prog_new:
                    continue
                define, name, value = m.group(1) == "define", m.group(2), m.group(3).strip() or "1"
                if name.startswith("__USE_"):
                    # <features.h> sets these afresh: one defined before the
                    # first include would not survive it
                    if seen_include:
                        pending.pop(name, None)
                        if define:
                            pending[name] = value
                elif not seen_include:
                    tu_features.pop(name, None)
                    if define:
                        tu_features[name] = value
            for name, value in tu_features.items():
                features.setdefault(name, value)
    defines = _cflag_defines(prog_new.cflags)
    given = {d["name"] for d in defines}
    defines += [{"name": k, "value": v} for k, v in features.items() if k not in given]
    includes = [{"header": h, "before": list(before.get(h, {}).items())} for h in headers if _buildable(h)]
    return defines, includes
