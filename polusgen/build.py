"""Build a patch into a shared library with gcc.

    build_patch(c_path, out_so=None, include_dirs=(), user_code=None) -> Path

gcc -O2 -g -Wall -Werror -fPIC -shared -I<runtime dir> [-iquote <include>...] <recorded flags> patch.polus.c -o patch.so
(the top-level Makefile's `%.so: %.polus.c` rule does the same, without the
include options the patch records: the program's -isystem folders, and its
own folders as -iquote).  On failure
a BuildError carries gcc's first errors.  The manifest embedded in the
library (section .polus_manifest) is also written beside it as <so>.json,
for people.  A patch whose manifest lists a finding its user code does not
cover (polusgen.plan.safety) is refused, and no library is left, unless `force`.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from polusgen import elf
from polusgen.errors import BuildError
from polusgen.outputs import replacing, write_text
from polusgen.resources import runtime_dir

CFLAGS = ["-O2", "-g", "-Wall", "-Werror", "-fPIC", "-shared"]
# Two mappings per library (code+rodata, data) instead of four or five: a fork
# server copies and tears down every mapping on each connection, and after a
# chain of updates that showed in its connect time (fork+exit, 20 empty
# libraries: +5.5 us each by default, +2.8 us each with these).  RELRO is
# left out with it: nothing relies on it, the runtime writes GOT slots
# through /proc/self/mem anyway.
LDFLAGS = ["-Wl,-z,noseparate-code", "-Wl,-z,norelro"]
MAX_ERROR_LINES = 12


@lru_cache(maxsize=None)
def program_warnings(cc: Optional[str] = None) -> tuple[str, ...]:
    """Every warning `cc` gives under CFLAGS (`gcc -Q --help=warnings`), for
    the program's own code in a patch: there they stay warnings, as in the
    program's build (which has no -Werror), while generated code keeps every
    one an error.  ("-Wall",) if the compiler does not say."""
    cc = cc or os.environ.get("CC", "gcc")
    found: list[str] = []
    for kind in ("c", "common"):
        try:
            r = subprocess.run([cc, "-Q", "-O2", "-Wall", f"--help=warnings,{kind}"], capture_output=True, text=True)
        except OSError:
            break
        for m in _WARNING_STATE.finditer(r.stdout):
            name, state = m.group(1), m.group(2)
            level = state.rpartition("=")[2]
            if name != "-Wpragmas" and (state == "[enabled]" or (level.isdigit() and int(level) > 0)):
                found.append(name)
    return tuple(sorted(set(found))) or ("-Wall",)


# "  -Wunused-variable    [enabled]", "  -Wformat-overflow<0,2>    -Wformat-overflow=1",
# "  -Wstrict-aliasing=<0,3>    3"
_WARNING_STATE = re.compile(r"^\s+(-W[A-Za-z0-9-]+)(?:=?<[\d,]+>)?\s+(\[enabled\]|-W[A-Za-z0-9-]+=\d+|\d+)\s*$",
                            re.M)

# the patch records the include options the analysis used on this line
BUILD_FLAGS = "// polusgen build flags: "


def build_include_flags(cflags: Sequence[str]) -> list[str]:
    """The include options a patch needs, from Program.cflags: the -isystem
    folders as they are (the library headers the patch includes), and the
    program's folders (-I, -iquote, a -include file's) as -iquote: the patch
    declares everything it needs itself, so program headers matter only to user
    code (#include "x.h"), and a program folder given with -I would shadow
    system headers of the same name (vsftpd's features.h would replace glibc's)."""
    out: list[str] = []
    it = iter(cflags)
    for f in it:
        if f == "-include":
            flag = f"-iquote{Path(next(it, '')).parent}"
        elif f.startswith(("-I", "-iquote")):
            flag = "-iquote" + f[len("-I" if f.startswith("-I") else "-iquote"):]
        elif f.startswith("-isystem"):
            flag = f
        else:
            continue
        if flag not in out:
            out.append(flag)
    return out


def build_flags_line(cflags: Sequence[str]) -> str:
    """The comment line a patch carries its include options on ("" if none)."""
    flags = build_include_flags(cflags)
    return BUILD_FLAGS + json.dumps(flags) if flags else ""


def recorded_flags(c_path: Path) -> list[str]:
    """The include options recorded in a patch (build_flags_line)."""
    try:
        with open(c_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(BUILD_FLAGS):
                    flags = json.loads(line[len(BUILD_FLAGS):])
                    return [x for x in flags if isinstance(x, str) and x.startswith(("-iquote", "-isystem"))]
                if line.startswith("#include"):
                    break          # the line comes before the first include
    except (OSError, ValueError):
        pass
    return []


def gcc_command(c_path: Path, out_so: Path, include_dirs: Sequence[str] = (),
                user_code: Optional[Path] = None) -> list[str]:
    from polusgen.plan.usercode import user_flags

    cmd = [os.environ.get("CC", "gcc"), *CFLAGS, *LDFLAGS, f"-I{runtime_dir()}"]
    cmd += [f"-iquote{d}" for d in include_dirs]        # see build_include_flags
    cmd += recorded_flags(c_path)
    cmd += user_flags(user_code)
    cmd += [str(c_path), "-o", str(out_so)]
    return cmd


def first_errors(stderr: str, limit: int = MAX_ERROR_LINES) -> str:
    lines = stderr.splitlines()
    idx = [i for i, l in enumerate(lines) if "error" in l]
    if idx:
        lines = lines[idx[0]:]
    return "\n".join(lines[:limit])


def build_patch(c_path: Path, out_so: Optional[Path] = None, include_dirs: Sequence[str] = (),
                user_code: Optional[Path] = None, force: bool = False) -> Path:
    from polusgen.emit import so_path_for

    c_path = Path(c_path)
    if c_path.is_dir():
        raise BuildError(f"{c_path} is a folder: give the patch.polus.c that `polusgen diff -o` wrote")
    if not c_path.is_file():
        raise BuildError(f"{c_path}: no such patch")
    if user_code is not None and not Path(user_code).is_file():
        raise BuildError(f"{user_code}: no such user code file")
    out_so = Path(out_so) if out_so is not None else so_path_for(c_path)
    if out_so.is_dir():
        raise BuildError(f"{out_so} is a folder: give the library's file name (-o {out_so / so_path_for(c_path).name})")
    if not out_so.parent.is_dir():
        raise BuildError(f"cannot write {out_so}: no such folder {out_so.parent}")
    # build next to the target and rename: a failed or refused build leaves no half-written library
    with replacing(out_so, ".tmp", executable=True) as tmp:
        cmd = gcc_command(c_path, tmp, include_dirs, user_code)
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            raise BuildError(f"cannot run {cmd[0]}: {e}") from e
        if r.returncode != 0:
            raise BuildError(f"{c_path}: gcc failed:\n{first_errors(r.stderr)}")
        manifest = elf.manifest(tmp)
        uncovered = manifest.uncovered() if manifest is not None else []
        if uncovered:
            from polusgen.manifest import forced, refusal

            if not force:
                raise BuildError(refusal(uncovered, f"{c_path}: not built"))
            sys.stderr.write(forced(uncovered, f"{out_so}: built with --force") + "\n")
    if manifest is not None:
        write_text(Path(str(out_so) + ".json"), json.dumps(json.loads(manifest.to_json()), indent=2) + "\n")
    return out_so
