"""Preprocessing with the C compiler's own preprocessor (`gcc -E`), which
takes a fraction of pcpp's time, with the fake libc headers first on the
search path and the prelude force-included: the same text for pycparser,
and the same system includes, prologue and dropped attributes as pcpp gives
(polusgen.frontend.preprocess; tests/frontend/test_compiler_pp.py compares
the Programs of both on every case and corpus tree).

gcc prints the #define/#undef (-dD) and #include (-dI) directives it runs,
in place, under line markers naming the file: that is what the pcpp hooks
see.  What pcpp does that gcc cannot, this path refuses (returns None, and
pcpp runs): a program file with an asm statement (its text is rewritten
before preprocessing), -include, -U or -std options, a -D of a macro the
prelude defines, an #include of a macro, and any program whose files could
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
from .realheaders import compiler, is_internal, predefined, search_path, stand_ins

# what pcpp leaves as written (positions and build times are the patch compiler's)
_UNDEFINED = ("__FILE__", "__LINE__", "__DATE__", "__TIME__", "__COUNTER__", "__INCLUDE_LEVEL__",
              "__BASE_FILE__", "__TIMESTAMP__", "__FILE_NAME__")
_MARKER = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d+)*)$')
_DIRECTIVE_IDS = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)$", re.M)
_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")


def _identity(params: Optional[str], name: str, line: str) -> bool:
    """The stand-in expands to the macro's own name (and arguments, as every
    function-like one does): the same tokens as leaving it undefined."""
    return params is not None or line == f"{name} {name}"


def preprocess_with_compiler(path: Path, include_dirs, root: Path, defines, names, system_dirs=(),
                             quote_dirs=(), prelude_names=frozenset()):
    """The Preprocessed of one TU by `gcc -E`, or None where only pcpp gives
    the right one (see the module's docstring) or the compiler fails."""
    if any(d.partition("=")[0] in prelude_names for d in defines):
        return None
    fake = fake_libc_dir()
    cc = compiler()
    function_like = [n for n, (params, _) in predefined(cc).items() if params is not None]
    cmd = [cc, "-E", "-dD", "-dI", "-nostdinc", "-w", "-x", "c",
           *(f"-U{n}" for n in (*_UNDEFINED, *function_like)),
           *(f"-D{n}={v or '1'}" for n, _, v in (d.partition("=") for d in defines)),
           *(f"-iquote{d}" for d in quote_dirs),
           *(f"-I{d}" for d in (*include_dirs, fake, *system_dirs, *search_path(), root)),
           "-include", str(fake / "_polus_prelude.h"), str(path.resolve())]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="surrogateescape")
    except OSError:
        return None
    if r.returncode:
        return None       # pcpp says what is wrong, naming the file and line
    result = Preprocessed("")
    features = [f"#define {n}" + (f" {v}" if v else " 1") for n, _, v in (d.partition("=") for d in defines)
                if is_feature_macro(n)]
    text: list[str] = []
    current = ""
    opened: list[str] = []            # program files, as pcpp opens them
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
                    continue
                current = os.path.abspath(name)
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
    main = str(path.resolve())
    sources = {}
    for f in [main] + opened:
        if f not in sources:
            with open(f, encoding="utf-8", errors="surrogateescape") as fh:
                sources[f] = fh.read()
            if protect_asm(sources[f]) != sources[f]:
                return None
    for f in [main] + opened:
        for line, attr in dropped_attributes(sources[f]):
            result.dropped.append((names(f), line, attr))
    if not _stand_ins_unseen(real, sources, entered):
        return None
    result.text = "\n".join(text)
    return result


def _stand_ins_unseen(real, sources: dict[str, str], entered: set[str]) -> bool:
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
        for name, params, _body, line in stand_ins(header, features):
            if is_internal(name):
                continue
            if name in tested:
                return False
            if line is not None and name in program_ids and not _identity(params, name, line):
                return False
    return True
