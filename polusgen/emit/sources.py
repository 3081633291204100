"""What the program's own sources say about compiling it, read straight from
the .c files: feature-test macros defined before the first #include, and the
system headers included outside any #if (a safety net under
Program.system_includes: a header the frontend did not record, e.g. one a
fake header had already pulled in, would otherwise leave its functions
undeclared in the patch).  Only headers that exist on this machine are kept.
"""
from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from pathlib import Path

from polusgen.model import Program

FEATURE_MACROS = frozenset({
    "_GNU_SOURCE", "_FILE_OFFSET_BITS", "_LARGEFILE_SOURCE", "_LARGEFILE64_SOURCE", "_LARGE_FILES",
    "_XOPEN_SOURCE", "_XOPEN_SOURCE_EXTENDED", "_POSIX_C_SOURCE", "_POSIX_SOURCE", "_BSD_SOURCE",
    "_SVID_SOURCE", "_DEFAULT_SOURCE", "_REENTRANT", "_THREAD_SAFE", "_TIME_BITS", "_ISOC99_SOURCE",
    "_ISOC11_SOURCE",
})

_DIRECTIVE = re.compile(r"^\s*#\s*(\w+)\s*(.*?)\s*$")


def _tu_paths(prog: Program) -> list[Path]:
    root = Path(prog.root)
    if root.is_file():
        return [root]
    return [root / f for f in prog.files if (root / f).is_file()]


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def scan(prog: Program) -> tuple[list[str], dict[str, str], dict[str, list[tuple[str, str]]]]:
    """(system headers included at depth 0, feature macros defined before the
    first include, glibc-internal __USE_* macros a file defines between its
    includes: header -> [(name, value)] to define right before that header)."""
    headers: dict[str, None] = {}
    macros: dict[str, str] = {}
    before: dict[str, list[tuple[str, str]]] = {}
    for path in _tu_paths(prog):
        try:
            text = _strip_comments(path.read_text(errors="replace"))
        except OSError:
            continue
        depth, seen_include = 0, False
        pending: list[tuple[str, str]] = []
        for line in text.splitlines():
            m = _DIRECTIVE.match(line)
            if not m:
                continue
            d, rest = m.group(1), m.group(2)
            if d in ("if", "ifdef", "ifndef"):
                depth += 1
            elif d == "endif":
                depth = max(0, depth - 1)
            elif d == "include":
                seen_include = True
                hm = re.match(r"<([^>]+)>", rest)
                if hm and depth == 0:
                    headers.setdefault(hm.group(1), None)
                    if pending:
                        before.setdefault(hm.group(1), []).extend(pending)
                        pending = []
            elif d == "define" and depth == 0:
                parts = rest.split(None, 1)
                value = parts[1] if len(parts) > 1 else "1"
                if parts and parts[0] in FEATURE_MACROS and not seen_include:
                    macros.setdefault(parts[0], value)
                elif parts and parts[0].startswith("__USE_") and seen_include:
                    pending.append((parts[0], value))
    return list(headers), macros, before


@lru_cache(maxsize=None)
def header_exists(name: str) -> bool:
    try:
        r = subprocess.run(["gcc", "-E", "-x", "c", "-", "-o", "/dev/null"], input=f"#include <{name}>\n",
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def system_headers(prog_new: Program, prog_old: Program) -> tuple[list[dict], dict[str, str]]:
    """The patch's #include <...> list ({"header", "before": [(name, value)]}) and feature macros."""
    recorded = list(dict.fromkeys(prog_new.all_system_includes() + prog_old.all_system_includes()))
    scanned, macros, before = scan(prog_new)
    extra = [h for h in scanned if h not in recorded and header_exists(h)]
    return [{"header": h, "before": before.get(h, [])} for h in recorded + extra if h != "polus.h"], macros
