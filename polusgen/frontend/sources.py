"""What to load: translation units, include folders and defines.

`source` is a folder (every *.c below it that no other one #includes), one
.c file, a list of .c files, or a compile_commands.json (CMake / bear): each
entry's file with the -I,
-iquote, -isystem, -idirafter, -D, -U, -include and -std of its "arguments"
or "command", relative to its "directory".
"""
from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence, Union

from polusgen.errors import SourceError

SourceArg = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]]


@dataclass
class Unit:
    name: str                      # path relative to the root, "/"-separated
    path: Path                     # absolute
    include_dirs: list[Path] = field(default_factory=list)
    defines: list[str] = field(default_factory=list)      # "NAME" or "NAME=value"
    forced_includes: list[Path] = field(default_factory=list)   # gcc -include
    # folders of other libraries' headers (-isystem, or -I under /usr or /opt):
    # searched after the fake libc headers, and what is found there is system
    system_dirs: list[Path] = field(default_factory=list)
    quote_dirs: list[Path] = field(default_factory=list)  # -iquote: for #include "x" only
    undefines: list[str] = field(default_factory=list)    # -U, after the -D
    std: str | None = None                                # -std=...


@dataclass
class Sources:
    root: Path                     # the version root (folder)
    shown_root: str                # what Program.root says
    units: list[Unit]
    cflags: list[str]
    included: list[Path] = field(default_factory=list)    # .c files a unit #includes (not units)


@dataclass
class Flags:
    """The preprocessor options of one compile command."""
    include_dirs: list[Path] = field(default_factory=list)      # -I
    quote_dirs: list[Path] = field(default_factory=list)        # -iquote
    system_dirs: list[Path] = field(default_factory=list)       # -isystem, -idirafter
    defines: list[str] = field(default_factory=list)            # -D
    undefines: list[str] = field(default_factory=list)          # -U
    forced: list[Path] = field(default_factory=list)            # -include
    std: str | None = None                                      # -std=


# option -> the Flags list its (folder) argument goes to
_PATH_OPTS = {"-I": "include_dirs", "-iquote": "quote_dirs", "-isystem": "system_dirs", "-idirafter": "system_dirs"}
# where installed libraries keep their headers: never the program's own, and a
# real libc header there must not hide a fake one
SYSTEM_PREFIXES = ("/usr/", "/opt/", "/nix/", "/gnu/")


def is_system_dir(path: Path) -> bool:
    return str(path).startswith(SYSTEM_PREFIXES)


def split_dirs(dirs: list[Path], system: list[Path] = ()) -> tuple[list[Path], list[Path]]:
    """(program folders, system folders), each in order, without duplicates."""
    prog = [d for d in dict.fromkeys(dirs) if not is_system_dir(d) and d not in system]
    sys_ = list(dict.fromkeys([*system, *(d for d in dirs if is_system_dir(d))]))
    return prog, sys_


def _flags(args: list[str], directory: Path) -> Flags:
    out = Flags()

    def path(v: str) -> Path:
        p = Path(v)
        return (p if p.is_absolute() else directory / p).resolve()

    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        joined = next((o for o in (*_PATH_OPTS, "-D", "-U") if a.startswith(o) and len(a) > len(o)), None)
        if a == "-include" and nxt is not None:
            out.forced.append(path(nxt))
            i += 1
        elif a in ("-D", "-U") and nxt is not None:
            (out.defines if a == "-D" else out.undefines).append(nxt)
            i += 1
        elif a in _PATH_OPTS and nxt is not None:
            getattr(out, _PATH_OPTS[a]).append(path(nxt))
            i += 1
        elif a.startswith("-std="):
            out.std = a[len("-std="):]
        elif joined in ("-D", "-U"):
            (out.defines if joined == "-D" else out.undefines).append(a[2:])
        elif joined is not None:
            getattr(out, _PATH_OPTS[joined]).append(path(a[len(joined):]))
        i += 1
    return out


def unit_options(u: "Unit") -> list[tuple[str, ...]]:
    """The options that stand for one unit's preprocessing, gcc-spelled, one tuple each."""
    return ([(f"-I{d}",) for d in u.include_dirs] + [(f"-iquote{d}",) for d in u.quote_dirs]
            + [(f"-isystem{d}",) for d in u.system_dirs] + [(f"-D{d}",) for d in u.defines]
            + [(f"-U{d}",) for d in u.undefines] + [("-include", str(f)) for f in u.forced_includes]
            + ([(f"-std={u.std}",)] if u.std else []))


def cflags_of(units: list["Unit"]) -> list[str]:
    """Every unit's options, each once, in first-seen order."""
    return [flag for opt in dict.fromkeys(o for u in units for o in unit_options(u)) for flag in opt]


# folders that hold no program source: version control, and the compiler
# probes CMake leaves in a build folder (each defines its own main)
SKIPPED_DIRS = {"CMakeFiles"}


def _skipped(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part in SKIPPED_DIRS for part in path.relative_to(root).parts[:-1])


_INCLUDES_C = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*"([^"]+\.c)"', re.M)


def _translation_units(files: list[Path]) -> list[Path]:
    """The .c files of a folder that are translation units: not those another
    one #includes (redis's ae.c includes ae_epoll.c, which does not compile alone)."""
    included: set[Path] = set()
    for f in files:
        try:
            text = f.read_bytes()
        except OSError:
            continue
        for m in _INCLUDES_C.finditer(text):
            included.add((f.parent / m.group(1).decode(errors="replace")).resolve())
    return [f for f in files if f not in included]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _common_root(paths: Iterable[Path]) -> Path:
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


def _check_c(path: Path) -> Path:
    if not path.is_file():
        raise SourceError(str(path), None, "no such source file")
    return path


def resolve_sources(source: SourceArg, include_dirs: Sequence[str | os.PathLike] = (),
                    defines: Sequence[str] = (), system_dirs: Sequence[str | os.PathLike] = ()) -> Sources:
    """include_dirs (-I) and system_dirs (-isystem) are relative to the root or absolute."""
    defines = [d[2:] if d.startswith("-D") else d for d in defines]
    if isinstance(source, (str, os.PathLike)):
        src = Path(source)
        if src.is_dir():
            root = src.resolve()
            every = sorted(p for p in root.rglob("*.c") if p.is_file() and not _skipped(p, root))
            files = _translation_units(every)
            included = [p for p in every if p not in files]
            if not files:
                raise SourceError(str(src), None, "no .c files in this folder")
            shown = str(source)
            units = [Unit(_rel(p, root), p) for p in files]
        elif src.name.endswith(".json"):
            return _compile_commands(src, include_dirs, defines, system_dirs)
        elif src.is_file():
            p = _check_c(src).resolve()
            root = p.parent
            shown = str(source)
            units = [Unit(p.name, p)]
            included = []
        else:
            raise SourceError(str(src), None, "no such file or folder")
    else:
        paths = [_check_c(Path(s)).resolve() for s in source]
        if not paths:
            raise SourceError("<sources>", None, "empty list of source files")
        root = _common_root(paths)
        shown = str(root)
        units = [Unit(_rel(p, root), p) for p in paths]
        included = []
    incs, sysdirs = split_dirs(_under(root, include_dirs), _under(root, system_dirs))
    for u in units:
        u.include_dirs = list(incs)
        u.system_dirs = list(sysdirs)
        u.defines = list(defines)
    return Sources(root, shown, units, cflags_of(units), included)


def _under(root: Path, dirs) -> list[Path]:
    return [(Path(d) if Path(d).is_absolute() else root / d).resolve() for d in dirs]


def _compile_commands(path: Path, include_dirs, defines, system_dirs) -> Sources:
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise SourceError(str(path), None, f"cannot read compile commands: {e}") from None
    if not isinstance(entries, list) or not entries:
        raise SourceError(str(path), None, "compile commands must be a non-empty JSON list")
    root = path.resolve().parent
    units: list[Unit] = []
    seen: set[Path] = set()
    for i, e in enumerate(entries):
        try:
            directory = Path(e.get("directory", root))
            args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
            file = Path(e["file"])
        except (KeyError, AttributeError, TypeError, ValueError):
            raise SourceError(str(path), None, f"entry {i}: needs 'file' and 'arguments' or 'command'") from None
        if not directory.is_absolute():
            directory = (root / directory)
        file = (file if file.is_absolute() else directory / file).resolve()
        if file in seen or not file.name.endswith(".c"):
            continue
        seen.add(file)
        f = _flags(list(args), directory)
        incs, sysdirs = split_dirs(f.include_dirs, f.system_dirs)
        units.append(Unit("", _check_c(file), incs, f.defines + list(defines), f.forced, sysdirs,
                          f.quote_dirs, f.undefines, f.std))
    if not units:
        raise SourceError(str(path), None, "no C translation units in compile commands")
    # the root is the folder holding every TU (usually the source tree, not the build folder)
    root = _common_root([u.path for u in units])
    extra_incs, extra_sys = split_dirs(_under(root, include_dirs), _under(root, system_dirs))
    for u in units:
        u.name = _rel(u.path, root)
        u.include_dirs += extra_incs
        u.system_dirs += extra_sys
    return Sources(root, str(path), units, cflags_of(units))
