"""Parsing a preprocessed TU in segments, so that what a header declares
is parsed once and reused by every TU that includes it the same way: most
of a TU's text is headers (the fake libc's, the program's own), and
pycparser parsed them again for every file.

The text is split at its line markers into segments, one per run of lines
from one file.  They are parsed one after the other by one parser whose
file scope carries over, so the typedef names an earlier segment declared
stay known.  A header segment's result -- its declarations and what it adds
to the file scope -- depends only on its text (which starts with the marker
naming the header and line) and on what the scope says about the
identifiers in it, and is kept under those for the next TU of this
process.  (Kept on disk as well, the segments cost more to store than
they saved: bench/README.md.)

The concatenated declarations are those of parsing the whole text: a
segment that is not a sequence of whole external declarations (a header
included inside a struct) does not parse alone, and then the whole text is
parsed as before.  tests/frontend/test_segments.py compares the Programs
on every case and corpus tree.
"""
from __future__ import annotations

import os
import re
from collections import OrderedDict
from typing import Callable, NamedTuple

from pycparser import c_ast
from pycparser.c_parser import CParser, ParseError

from .tu import parse_c

# gcc's `# 12 "file" 1` and pcpp's `#line 12 "file"`
_MARKER = re.compile(r'#(?:line)?\s*\d+(?:\s+"((?:[^"\\]|\\.)*)"((?:\s+\d+)*))?\s*$')
_IDENT = re.compile(r"[A-Za-z_]\w*")
# parsed header segments kept in this process: {(text, the scope of its
# identifiers): (declarations, scope added)}, the least recently used dropped
_KEPT: OrderedDict[tuple, tuple[list, dict]] = OrderedDict()
KEEP = 256
# switched off by the test that compares against parsing the whole text
ENABLED = True


class Segment(NamedTuple):
    file: str | None      # the one file its lines come from (None: where unknown)
    text: str


class _Parser(CParser):
    """A CParser whose file scope starts as `file_scope` (pycparser resets
    its scope stack to one empty dict at the start of every parse)."""

    def __init__(self):
        self.file_scope: dict = {}
        super().__init__()

    @property
    def _scope_stack(self):
        return self._stack

    @_scope_stack.setter
    def _scope_stack(self, value):
        self._stack = [self.file_scope] if value == [{}] else value


def split(text: str) -> list[Segment]:
    """The TU's text in segments, one per run of lines from one file: each
    starts at the line marker before its first token (so the lexer knows
    where it is) and ends at its last token; what lies between holds no
    token (blank lines, markers)."""
    lines = text.split("\n")
    pieces: list[list] = []                 # [first line, last line with tokens, file]
    current = None
    marker = None                           # the last marker since the last line with tokens
    for i, line in enumerate(lines):
        if line.startswith("#"):
            m = _MARKER.match(line)
            if m:
                if m.group(1) is not None:
                    current = m.group(1)
                marker = i
                continue
        elif not line.strip():
            continue
        if pieces and (current == pieces[-1][2] or marker is None):
            if current != pieces[-1][2]:
                pieces[-1][2] = None        # two files with no marker between: not kept
            pieces[-1][1] = i
        else:
            pieces.append([marker or 0, i, current if marker is not None else None])
        marker = None
    return [Segment(f, "\n".join(lines[a:b + 1])) for a, b, f in pieces]


def parse_tu(text: str, display: Callable[[str], str], tu_display: str) -> c_ast.FileAST:
    """pycparser's FileAST of the whole text, the headers' segments reused."""
    main = {None, os.path.abspath(tu_display), os.path.realpath(tu_display)}    # not kept: parsed here
    segments = split(text) if ENABLED else []
    if not any(s.file not in main for s in segments):
        return parse_c(text, display, tu_display)
    parser = _Parser()
    scope: dict[str, bool] = {}
    ext: list = []
    try:
        for seg in segments:
            if seg.file in main:
                parser.file_scope = scope
                ext.extend(parser.parse(seg.text, tu_display).ext)
                scope = parser._scope_stack[0]
            else:
                decls, added = _header_segment(parser, seg.text, scope)
                ext.extend(decls)
                scope.update(added)
    except ParseError:
        return parse_c(text, display, tu_display)      # names the file and line
    return c_ast.FileAST(ext)


def _header_segment(parser: _Parser, text: str, scope: dict) -> tuple[list, dict]:
    known = {n: scope[n] for n in (_identifiers(text) & scope.keys())}
    key = (text, tuple(sorted(known.items())))
    got = _KEPT.pop(key, None)
    if got is None:
        parser.file_scope = dict(known)
        decls = parser.parse(text).ext
        after = parser._scope_stack[0]
        got = (decls, {n: v for n, v in after.items() if known.get(n) != v})
    _KEPT[key] = got
    while len(_KEPT) > KEEP:
        _KEPT.popitem(last=False)
    return got


_IDS: dict[str, frozenset[str]] = {}


def _identifiers(text: str) -> frozenset[str]:
    """Every identifier-like word of the text (a superset of what the parser looks up)."""
    got = _IDS.get(text)
    if got is None:
        if len(_IDS) > KEEP:
            _IDS.clear()
        got = _IDS[text] = frozenset(_IDENT.findall(text))
    return got
