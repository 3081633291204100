"""Parsing a TU in segments (polusgen.frontend.segments) gives the Program
that parsing its whole text gives -- on every case and corpus tree -- while
each header is parsed once for all the TUs that include it the same way."""
from __future__ import annotations

import pytest

from polusgen.frontend import segments
from polusgen.frontend.loader import load_program
from tests.frontend.test_compiler_pp import TREES, described


@pytest.fixture
def parsed(monkeypatch):
    """The texts pycparser parsed: header segments, and the TUs' own parts."""
    seen: list[str] = []
    real = segments._Parser.parse

    def counted(self, text, filename=""):
        seen.append(text)
        return real(self, text, filename)
    monkeypatch.setattr(segments._Parser, "parse", counted)
    monkeypatch.setenv("POLUS_JOBS", "1")         # in this process: the parses are counted
    segments._KEPT.clear()
    return seen


def load(tree, reuse: bool, monkeypatch) -> dict:
    monkeypatch.setattr(segments, "ENABLED", reuse)
    monkeypatch.setenv("POLUS_JOBS", "1")
    try:
        return described(load_program(tree, use_cache=False))
    except Exception as e:                       # a failing case fails the same way
        return {"error": f"{type(e).__name__}: {e}"}


@pytest.mark.parametrize("version", TREES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_same_program_parsed_in_segments(version, monkeypatch):
    assert load(version, True, monkeypatch) == load(version, False, monkeypatch)


HEADER = """\
    #include <stdio.h>
    typedef struct conn { int fd; char name[16]; } conn_t;
    typedef unsigned long counter;
    """


def test_a_header_is_parsed_once_for_every_file(tree, parsed, monkeypatch):
    # (counter)x parses as a cast only if `counter` is known as a type name
    # when b.c's own lines are parsed after the header's reused declarations
    root = tree({
        "common.h": HEADER,
        "a.c": '#include "common.h"\nconn_t c;\ncounter a(int x) { return (counter)x + c.fd; }\n',
        "b.c": '#include "common.h"\ncounter b(int x) { conn_t *p = 0; return (counter)(x) + (p != 0); }\n',
    })
    reused = load(root, True, monkeypatch)
    assert reused == load(root, False, monkeypatch)
    headers = [t for t in parsed if "common.h" in t.split("\n", 1)[0]]
    assert len(headers) == 1 and "conn_t" in headers[0]
    assert "(counter) x" in reused["functions:b"]["body_text"]


def test_a_header_inside_a_declaration_is_parsed_with_it(tree, parsed, monkeypatch):
    """A header's lines that are not whole declarations do not parse alone:
    the whole text is parsed, and the Program is the same."""
    root = tree({
        "fields.h": "int x;\nint y;\n",
        "a.c": 'struct point {\n#include "fields.h"\n};\nstruct point origin;\nint gx(void) { return origin.x; }\n',
    })
    whole: list[str] = []
    real = segments.parse_c
    monkeypatch.setattr(segments, "parse_c", lambda text, *a: whole.append(text) or real(text, *a))
    reused = load(root, True, monkeypatch)
    assert whole, "the segments parsed alone"
    assert reused == load(root, False, monkeypatch)
    assert "int x;" in reused["types:struct point"]["text"]
