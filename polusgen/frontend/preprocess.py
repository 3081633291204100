"""Preprocessing with pcpp against polusgen's fake libc headers.

Search order, like gcc with the fake headers standing in for /usr/include:
`#include "x"` looks in the including file's folder first, then the -iquote
folders; then both forms look in the program's -I folders, the fake headers,
the folders of other libraries (-isystem, or -I under /usr or /opt), the
compiler's own search path (/usr/include: installed libraries' headers) and
last the version root.
A header found under the fake folder or a library folder is a *system*
header: it is recorded (as spelled relative to that folder, "sys/socket.h")
when a program file includes it, and what it declares is not the program's.
The feature macros a program file defines or undefines (FEATURE_MACROS,
__USE_*) are recorded in order with those includes: the prologue the patch
repeats (Program.system_prologue, polusgen.plan.prologue).
"""
from __future__ import annotations

import copy
import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pcpp import Preprocessor

from polusgen.errors import SourceError

from .asm import protect_asm
from .realheaders import is_internal, predefined_macros, search_path, stand_ins, std_macros
from polusgen.resources import fake_libc_dir

PRELUDE = "_polus_prelude.h"

# macros a program defines to configure the system headers (feature test
# macros, and glibc's internal __USE_* that some programs set by hand): the
# patch must define them the same way before the same includes
FEATURE_MACROS = {
    "_GNU_SOURCE", "_DEFAULT_SOURCE", "_BSD_SOURCE", "_SVID_SOURCE", "_XOPEN_SOURCE",
    "_XOPEN_SOURCE_EXTENDED", "_POSIX_SOURCE", "_POSIX_C_SOURCE", "_ISOC99_SOURCE", "_ISOC11_SOURCE",
    "_LARGEFILE_SOURCE", "_LARGEFILE64_SOURCE", "_FILE_OFFSET_BITS", "_TIME_BITS", "_REENTRANT",
    "_THREAD_SAFE", "_ATFILE_SOURCE", "_FORTIFY_SOURCE", "_DYNAMIC_STACK_SIZE_SOURCE",
    # other switches system headers test: assert() on or off, syslog's name
    # tables, C99 format/limit macros in C++-minded code, OpenSSL's API level
    "NDEBUG", "SYSLOG_NAMES", "__STDC_FORMAT_MACROS", "__STDC_LIMIT_MACROS", "__STDC_CONSTANT_MACROS",
    "OPENSSL_API_COMPAT", "OPENSSL_SUPPRESS_DEPRECATED",
}


_SUFFIX = re.compile(r"[uUlL]+")
_INTEGER = re.compile(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*")


def is_feature_macro(name: str) -> bool:
    return name in FEATURE_MACROS or name.startswith("__USE_")


def feature_state(prologue: list[str], name: str):
    """The prologue's last "#define NAME ..." or "#undef NAME" line, or None."""
    for line in reversed(prologue):
        words = line.split(None, 2)
        if words[0] in ("#define", "#undef") and words[1] == name:
            return line
    return None

# attributes that matter to a patch (layout, placement); the rest (format,
# unused, noreturn, ...) are harmless to drop
_ATTR = re.compile(r"__attribute(?:__)?\s*\(\((.*?)\)\)")
_ASM_LABEL = re.compile(r"\b(__asm__|__asm)\s*\(")
_IMPORTANT = re.compile(r"\b_*(packed|aligned|section|transparent_union|vector_size|mode|cleanup)_*\b")


def dropped_attributes(text: str) -> list[tuple[int, str]]:
    """(line, what) for each layout-relevant __attribute__, and each asm label
    the prelude drops, in `text` (after protect_asm)."""
    out = []
    if "__attribute" not in text and "asm" not in text:
        return out
    for i, line in enumerate(text.splitlines(), 1):
        for m in _ATTR.finditer(line):
            for a in _IMPORTANT.finditer(m.group(1)):
                out.append((i, a.group(1)))
        if _ASM_LABEL.search(line):
            out.append((i, "asm label"))
    return out


@dataclass
class Preprocessed:
    text: str
    system_includes: list[str] = field(default_factory=list)   # first-seen order
    # "#define _GNU_SOURCE" / "#include <stdio.h>" lines, in the order the
    # program's files configure and include the system headers
    prologue: list[str] = field(default_factory=list)
    program_headers: list[str] = field(default_factory=list)   # absolute paths opened
    # (display file, line, attribute) of GNU attributes the prelude removes
    # although they change layout or placement: the patch will not have them
    dropped: list[tuple[str, int, str]] = field(default_factory=list)


def prelude_defines(fake_dir: Path) -> list[str]:
    """The `#define` lines of the prelude, as "NAME body" strings for pcpp."""
    out = []
    for line in (fake_dir / PRELUDE).read_text().splitlines():
        s = line.strip()
        if s.startswith("#define ") and not s.startswith("#define _POLUS_PRELUDE_H"):
            out.append(s[len("#define "):])
    return out


@lru_cache(maxsize=None)
def _prelude(fake: Path) -> tuple[str, ...]:
    return tuple(prelude_defines(fake))


class FileNames:
    """Absolute paths -> the names Coords and errors use, and which files are
    system headers (the fake libc, then other libraries' folders)."""

    def __init__(self, root: Path, system_dirs=()):
        self.root = str(root).rstrip(os.sep) + os.sep
        self.system_dirs = [str(d).rstrip(os.sep) + os.sep for d in (fake_libc_dir(), *system_dirs, *search_path())]

    def system_name(self, path: str):
        """"sys/socket.h" for a system header, None for a program file."""
        for d in self.system_dirs:
            if path.startswith(d):
                return path[len(d):]
        return None

    def is_system(self, path: str) -> bool:
        return self.system_name(path) is not None

    def __call__(self, path: str) -> str:
        name = self.system_name(path)
        if name is not None:
            return name
        if path.startswith(self.root):
            return path[len(self.root):]
        return path


class _Pcpp(Preprocessor):
    def __init__(self, names: FileNames):
        super().__init__()
        self.names = names
        self.display = names             # abs path -> name shown in errors
        self.result = Preprocessed("")
        self.line_directive = "#line"
        self.compress = 1                # fewer blank lines for pycparser to skip
        # positions and build times must not become part of a function's text
        # (moving code would "change" it): these stay as written, and the
        # compiler that builds the patch fills them in
        self.expand_linemacro = False
        self.expand_filemacro = False
        self.expand_countermacro = False
        self.command_line_features: list[str] = []   # "#define NAME value" of -D feature macros
        self.std_flags: tuple[str, ...] = ()      # the program's -std, for the real compiler
        for name in ("__DATE__", "__TIME__", "__FILE__"):
            self.macros.pop(name, None)

    # --- hooks -----------------------------------------------------------
    def is_fake(self, path: str) -> bool:
        """A system header (fake libc or another library's)."""
        return self.names.is_system(path)

    def on_file_open(self, is_system_include, includepath):
        with open(includepath, "r", encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        if self.is_fake(includepath):
            self.note_system(includepath)
        else:
            text = protect_asm(text)
            self.note_attributes(includepath, text)
        fh = io.StringIO(text)
        if not includepath.startswith(self.names.system_dirs[0]):
            self.result.program_headers.append(includepath)     # the cache checks these
        return fh

    def note_system(self, path: str) -> None:
        """A system header reached from the file being preprocessed."""
        if not self.is_fake(self.source or ""):
            name = self.names.system_name(path)
            if name not in self.result.system_includes:
                self.result.system_includes.append(name)
                self.result.prologue.append(f"#include <{name}>")

    def define(self, tokens):
        # called for executed #defines (and for -D / prelude ones, before any source)
        source = getattr(self, "source", None)        # pcpp defines __DATE__ before it has one
        if source and not self.is_fake(source) and not isinstance(tokens, str):
            toks = self.tokenstrip(list(tokens))
            if toks and is_feature_macro(toks[0].value):
                line = "#define " + "".join(t.value for t in toks).strip()
                if self.feature_state(toks[0].value) != line:     # not when only repeated
                    self.result.prologue.append(line)
        return super().define(tokens)

    def feature_state(self, name: str):
        return feature_state(self.result.prologue, name)

    def undef(self, tokens):
        source = getattr(self, "source", None)
        if source and not self.is_fake(source):
            toks = self.tokenstrip(list(tokens))
            if toks and is_feature_macro(toks[0].value):
                self.result.prologue.append(f"#undef {toks[0].value}")
        return super().undef(tokens)

    def include(self, tokens, original_line):
        # A header already seen (include guard / #pragma once) is skipped by
        # pcpp without opening it: record what the directive names first.
        includer, fake_header = self.source, None
        if tokens:
            if tokens[0].value == "<":
                end = next((i for i, t in enumerate(tokens) if t.value == ">"), None)
                name = "".join(t.value for t in tokens[1:end]) if end else None
                search = self.path
            elif tokens[0].type == self.t_STRING:
                name, search = tokens[0].value[1:-1], self.temp_path + self.path
            else:
                name = None         # #include MACRO: recorded when opened
            if name:
                for d in search:
                    full = os.path.abspath(os.path.join(d, name))
                    if os.path.isfile(full):
                        if self.is_fake(full):
                            self.note_system(full)
                        if full.startswith(self.names.system_dirs[0]):
                            fake_header = self.names.system_name(full)
                        break
        yield from super().include(tokens, original_line)
        if fake_header is not None and not self.is_fake(includer or ""):
            self.define_real_macros(fake_header)

    def define_real_macros(self, header: str) -> None:
        """Define what the real `<header>` defines and the fake one lacks
        (polusgen.frontend.realheaders), under the feature macros in force."""
        features = tuple(self.command_line_features + [line for line in self.result.prologue
                                                       if not line.startswith("#include")])
        for name, params, body, line in stand_ins(header, features, self.std_flags):
            known = self.macros.get(name)
            if is_feature_macro(name):
                # what <features.h> derives (_DEFAULT_SOURCE, _POSIX_C_SOURCE): values
                # only #if compares; the real headers derive them again in the patch
                if known is None and params is None and not is_internal(name):
                    Preprocessor.define(self, f"{name} {body}")
                continue
            if known is not None and not (known.arglist is None and len(known.value) == 1
                                          and known.value[0].value == name):
                continue              # the fake header (or the program) defines it with a value
            if line is not None and (known is None or '"' in line):
                Preprocessor.define(self, line)

    # C11 6.4.4.1 allows `ll`/`LL` (with u/U) as integer suffixes; pcpp's lexer
    # stops at one `l`, leaving `0x7fffLL` as 0x7fffL and an identifier `L`,
    # which #if cannot evaluate.  The two are joined again (the text stays the same).
    def _join_integer_suffixes(self, tokens):
        out = []
        for t in tokens:
            prev = out[-1] if out else None
            if prev is not None and t.type == self.t_ID and _SUFFIX.fullmatch(t.value) \
                    and prev.type == self.t_INTEGER and _INTEGER.fullmatch(str(prev.value)):
                joined = copy.copy(prev)
                joined.value = self.t_INTEGER_TYPE(str(prev.value) + t.value)
                out[-1] = joined
                continue
            out.append(t)
        return out


    def note_attributes(self, path: str, text: str) -> None:
        shown = self.display(path)
        for line, attr in dropped_attributes(text):
            self.result.dropped.append((shown, line, attr))

    def _where(self):
        d = self.lastdirective
        if d is None:
            return self.display(self.source or ""), None
        return self.display(d.source), d.lineno

    def on_include_not_found(self, is_malformed, is_system_include, curdir, includepath):
        file, line = self._where()
        if is_malformed:
            raise SourceError(file, line, f"malformed #include {includepath}")
        spelled = f"<{includepath}>" if is_system_include else f'"{includepath}"'
        raise SourceError(file, line, f"header {spelled} not found (not in the program, the -I folders, "
                                      f"polusgen's fake libc headers or the compiler's include path)")

    def on_error(self, file, line, msg):
        raise SourceError(self.display(file), line, f"preprocessor: {msg}")

    def on_directive_unknown(self, directive, toks, ifpassthru, precedingtoks):
        if directive.value == "error":
            raise SourceError(self.display(directive.source), directive.lineno,
                              "#error " + "".join(t.value for t in toks).strip())
        if directive.value == "warning":
            return True
        if directive.value in ("ident", "sccs", "assert", "unassert"):
            return True
        if directive.value == "line":
            return True
        return None            # #pragma passes through to pycparser

    # A macro that expands to `defined(X)` inside #if (`#define ALIGNED
    # !defined(__i386)`): pcpp expands X as well, leaving `defined(1)`, which
    # it calls malformed.  gcc takes such a `defined` as the operator on X as
    # written, so within #if every replacement list has its `defined`s
    # evaluated before its identifiers are expanded.  (Both hooks also join
    # the LL suffixes, above.)
    _in_if = False

    def evalexpr(self, tokens):
        self._in_if = True
        try:
            return super().evalexpr(self._join_integer_suffixes(tokens))
        finally:
            self._in_if = False

    def expand_macros(self, tokens, expanding_from=[]):
        tokens = self._defined_evaluated(tokens) if self._in_if else tokens
        return self._join_integer_suffixes(super().expand_macros(tokens, expanding_from))

    def _defined_evaluated(self, tokens):
        out, i = [], 0
        while i < len(tokens):
            t = tokens[i]
            if t.type == self.t_ID and t.value == "defined":
                j = self._skip_ws(tokens, i + 1)
                paren = j < len(tokens) and tokens[j].value == "("
                k = self._skip_ws(tokens, j + 1) if paren else j
                end = self._skip_ws(tokens, k + 1) if paren else k
                if k < len(tokens) and tokens[k].type == self.t_ID and \
                        (not paren or (end < len(tokens) and tokens[end].value == ")")):
                    known = tokens[k].value in self.macros
                    value = copy.copy(t)
                    value.type, value.value = self.t_INTEGER, self.t_INTEGER_TYPE("1L" if known else "0L")
                    out.append(value)
                    i = end + 1
                    continue
            out.append(t)
            i += 1
        return out

    def _skip_ws(self, tokens, i):
        while i < len(tokens) and tokens[i].type in self.t_WS:
            i += 1
        return i


def preprocess(path: Path, include_dirs: list[Path], root: Path, defines: list[str],
               names: FileNames, forced_includes: list[Path] = (),
               system_dirs: list[Path] = (), *, quote_dirs: list[Path] = (), undefines: list[str] = (),
               std: str | None = None) -> Preprocessed:
    """Preprocess one translation unit; `names` (made with the same
    system_dirs) names files in errors and tells system headers apart.
    The options are gcc's: -I, -D, -include, -isystem, -iquote, -U, -std.
    The C compiler's preprocessor does it where it gives what pcpp gives
    (polusgen.frontend.compiler_pp), unless POLUS_PREPROCESSOR=pcpp."""
    fake = fake_libc_dir()
    if os.environ.get("POLUS_PREPROCESSOR", "") != "pcpp":
        from .compiler_pp import preprocess_with_compiler

        got = preprocess_with_compiler(path, include_dirs, root, defines, names, system_dirs, quote_dirs,
                                       _prelude(fake), forced_includes, undefines, std)
        if got is not None:
            return got
    p = _Pcpp(names)
    for d in prelude_defines(fake):
        p.define(d)
    if std:
        p.std_flags = (f"-std={std}",)
        for name, value in std_macros(std).items():
            p.macros.pop(name, None)
            if value is not None:
                p.define(f"{name} {value}")
    for name, value in predefined_macros(p.std_flags).items():
        if name not in p.macros:          # what the prelude and -std say wins
            p.define(f"{name} {value}")
    for d in defines:
        name, _, value = d.partition("=")
        p.define(f"{name} {value or '1'}")
        if is_feature_macro(name):
            p.command_line_features.append(f"#define {name} {value or '1'}")
    for name in undefines:
        p.macros.pop(name, None)
        p.command_line_features = [f for f in p.command_line_features if f.split()[1] != name]
    for d in include_dirs:
        p.add_path(str(d))
    p.add_path(str(fake))
    # then other libraries' folders: the program's -isystem ones, and where the
    # compiler finds installed libraries' headers (a fake libc header always wins)
    for d in [*system_dirs, *search_path()]:
        p.add_path(str(d))
    p.add_path(str(root))
    p.temp_path.extend(str(d) for d in quote_dirs)     # "x.h": after the includer's folder, before -I
    p.rewrite_paths = []              # #line carries absolute paths; Coords are mapped later
    if forced_includes:
        # gcc -include: the TU itself becomes an include of a small wrapper,
        # so its line numbers stay its own
        wrapper = "".join(f'#include "{f}"\n' for f in [*forced_includes, path])
        p.parse(wrapper, str(path) + ".polus-command-line")
    else:
        text = protect_asm(path.read_text(encoding="utf-8", errors="surrogateescape"))
        p.note_attributes(str(path), text)
        p.parse(text, str(path))
    out = io.StringIO()
    p.write(out)
    p.result.text = out.getvalue()
    return p.result
