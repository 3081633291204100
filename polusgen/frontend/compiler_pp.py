"""Preprocessing with the C compiler's own preprocessor (`gcc -E`), which
takes a fraction of pcpp's time, with the fake libc headers first on the
search path and the prelude's definitions given as -D options, in pcpp's
order (the prelude, what -std changes in it, the program's -D, its -U,
then its -include files): the same text for pycparser,
and the same system includes, prologue and dropped attributes as pcpp gives
(polusgen.frontend.preprocess; tests/frontend/test_compiler_pp.py compares
the Programs of both on every case and corpus tree).

gcc prints the #define/#undef (-dD) and #include (-dI) directives it runs,
in place, under line markers naming the file: that is what the pcpp hooks
see.  What pcpp does that gcc cannot, this path refuses (returns None, and
pcpp runs): a program file with an asm statement (its text is rewritten
before preprocessing), an -include of a system header (no #include line
records it), an ISO -std (not gnu*) of C90 or with a "??" in a program
file (gcc reads trigraphs and, in C90, no // comments; pcpp does neither),
an #include of a macro, and any program whose files could
see a difference from the real headers' stand-in macros pcpp defines after
a fake header (polusgen.frontend.realheaders): a stand-in that is not the
macro's own name, or any of them tested by an #if.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Optional

from polusgen.resources import fake_libc_dir

from .asm import protect_asm
from .preprocess import Preprocessed, dropped_attributes, feature_state, is_feature_macro
from .realheaders import compiler, is_internal, predefined, search_path, stand_ins, std_macros

# what pcpp leaves as written (positions and build times are the patch compiler's)
_UNDEFINED = ("__FILE__", "__LINE__", "__DATE__", "__TIME__", "__COUNTER__", "__INCLUDE_LEVEL__",
              "__BASE_FILE__", "__TIMESTAMP__", "__FILE_NAME__")
# ISO C90 (gcc: no // comments)
_C90 = {"c89", "c90", "iso9899:1990", "iso9899:199409"}
_MARKER = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d+)*)$')
_DIRECTIVE_IDS = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)$", re.M)
_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")


def _identity(params: Optional[str], name: str, line: str) -> bool:
    """The stand-in expands to the macro's own name (and arguments, as every
    function-like one does): the same tokens as leaving it undefined."""
    return params is not None or line == f"{name} {name}"


def preprocess_with_compiler(path: Path, include_dirs, root: Path, defines, names, system_dirs=(),
                             quote_dirs=(), prelude=(), forced_includes=(), undefines=(),
                             std: Optional[str] = None):
    """The Preprocessed of one TU by `gcc -E`, or None where only pcpp gives
    the right one (see the module's docstring) or the compiler fails.
    `prelude`: the prelude's definitions ("NAME body")."""
    if any(names.is_system(str(f)) for f in forced_includes) or std in _C90:
        return None
    fake = fake_libc_dir()
    cc = compiler()
    std_flags = (f"-std={std}",) if std else ()
    function_like = [n for n, (params, _) in predefined(cc, std_flags).items() if params is not None]
    # in pcpp's order: the prelude, what -std changes in it, -D, then -U
    cmd = [cc, "-E", "-dD", "-dI", "-nostdinc", "-w", *std_flags, "-x", "c",
           *(f"-U{n}" for n in (*_UNDEFINED, *function_like)),
           *("-D{}={}".format(*(d.split(None, 1) + [""])[:2]) for d in prelude),
           *(f"-U{n}" for n in (std_macros(std) if std else ())),
           *(f"-D{n}={v}" for n, v in (std_macros(std) if std else {}).items() if v is not None),
           *(f"-D{n}={v or '1'}" for n, _, v in (d.partition("=") for d in defines)),
           *(f"-U{n}" for n in undefines),
           *(f"-iquote{d}" for d in quote_dirs),
           *(f"-I{d}" for d in (*include_dirs, fake, *system_dirs, *search_path(), root)),
           *(a for f in forced_includes for a in ("-include", str(f))), str(path.resolve())]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="surrogateescape")
    except OSError:
        return None
    if r.returncode:
        return None       # pcpp says what is wrong, naming the file and line
    result = Preprocessed("")
    features = [f"#define {n}" + (f" {v}" if v else " 1") for n, _, v in (d.partition("=") for d in defines)
                if is_feature_macro(n) and n not in undefines]
    text: list[str] = []
    current = ""
    main = str(path.resolve())
    opened: list[str] = []            # program files, as pcpp opens them
    main_at = 0 if not forced_includes else None     # where the TU itself comes in that order
    command_line = False              # gcc has read the -D/-U/-include options
    entered: set[str] = set()         # every file
    real: list[tuple[str, tuple]] = []     # (fake header, feature lines) as included from a program file
    search = [*map(str, include_dirs), str(fake), *map(str, system_dirs), *map(str, search_path()), str(root)]
    for line in r.stdout.split("\n"):
        if line.startswith("#") and not line.startswith("#pragma"):
            text.append("")          # every line counts: gcc marks only where they jump
            m = _MARKER.match(line)
            if m:
                name, flags = m.group(2), m.group(3).split()
                if name.startswith("<"):
                    current = name
                    command_line = command_line or name == "<command-line>"
                    continue
                current = os.path.abspath(name)
                if main_at is None and command_line and current == main:
                    main_at = len(opened)         # after the -include files
                if "1" in flags:
                    entered.add(current)
                    if not current.startswith(str(fake) + os.sep):
                        result.program_headers.append(current)
                    if not names.is_system(current):
                        opened.append(current)
                text[-1] = f'# {m.group(1)} "{current}"'
                continue
            words = line.split(None, 2)
            program = not current.startswith("<") and not names.is_system(current)
            if words[0] in ("#ident", "#sccs"):
                continue              # pcpp drops them too
            if words[0] in ("#define", "#undef"):
                if program and is_feature_macro(words[1].split("(")[0]):
                    stated = line.rstrip()
                    if words[0] == "#undef" or feature_state(result.prologue, words[1]) != stated:
                        result.prologue.append(stated)
                continue
            if words[0] in ("#include", "#include_next", "#import"):
                if not program:
                    continue
                spelled = line[len(words[0]):].strip()
                if words[0] != "#include" or spelled[:1] not in ('"', "<"):
                    return None
                where = [os.path.dirname(current), *map(str, quote_dirs)] if spelled[0] == '"' else []
                for d in where + search:
                    full = os.path.abspath(os.path.join(d, spelled[1:-1]))
                    if os.path.isfile(full):
                        header = names.system_name(full)
                        if header is not None and header not in result.system_includes:
                            result.system_includes.append(header)
                            result.prologue.append(f"#include <{header}>")
                        if full.startswith(str(fake) + os.sep):
                            real.append((header, tuple(features + [p for p in result.prologue
                                                                   if not p.startswith("#include")])))
                        break
                continue
            text[-1] = line
            continue
        text.append(line)
    order = opened[:main_at or 0] + [main] + opened[main_at or 0:]
    sources = {}
    for f in order:
        if f not in sources:
            with open(f, encoding="utf-8", errors="surrogateescape") as fh:
                sources[f] = fh.read()
            if protect_asm(sources[f]) != sources[f]:
                return None
            if std and not std.startswith("gnu") and "??" in sources[f]:
                return None
    for f in order:
        for line, attr in dropped_attributes(sources[f]):
            result.dropped.append((names(f), line, attr))
    if not _stand_ins_unseen(real, sources, entered, std_flags):
        return None
    result.text = "\n".join(text)
    return result


def _stand_ins_unseen(real, sources: dict[str, str], entered: set[str], std_flags: tuple[str, ...]) -> bool:
    """No program file could tell that the real headers' stand-in macros are
    missing: none uses a stand-in that is not its macro's own name, and no
    #if of any file tests one."""
    program_ids: set[str] = set()
    tested: set[str] = set()
    for text in sources.values():
        program_ids.update(_IDENT.findall(text))
    for f in entered | set(sources):
        text = sources.get(f)
        if text is None:
            with open(f, encoding="utf-8", errors="surrogateescape") as fh:
                text = fh.read()
        for m in _DIRECTIVE_IDS.finditer(text):
            tested.update(_IDENT.findall(m.group(1)))
    for header, features in real:
        for name, params, _body, line in stand_ins(header, features, std_flags):
            if is_internal(name):
                continue
            if is_feature_macro(name) and (feature_state(list(features), name) or "").startswith("#define"):
                continue              # the program's own definition, which pcpp keeps too
            if name in tested:
                return False
            if line is not None and name in program_ids and not _identity(params, name, line):
                return False
    return True
