"""The C compiler's preprocessor (polusgen.frontend.compiler_pp) stands in
for pcpp only where the Program is the same: every type, global and
function with its key, text, position and dependencies, the system
includes and prologue, the warnings -- on every case and corpus tree.  And
it really stands in: the compiler preprocesses the corpus servers' files;
pcpp takes the rest (asm statements, no compiler)."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from polusgen.frontend import compiler_pp
from polusgen.frontend.loader import load_program
from tests.support.cases import CONSTRUCTOR, CORPUS, E2E, EMIT, cases

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")

TREES = [c.version(v) for root in (CONSTRUCTOR, E2E, EMIT, CORPUS) for c in cases(root) for v in c.versions()]


def described(prog) -> dict:
    """Everything a Program says, in comparable form (AST nodes through their canonical text)."""
    def entity(e):
        return {f.name: repr(getattr(e, f.name)) for f in dataclasses.fields(e) if f.name != "node"}
    return {
        "files": prog.files, "cflags": prog.cflags, "enumerators": prog.enumerators,
        "system_includes": prog.system_includes, "system_prologue": prog.system_prologue,
        "warnings": [repr(w) for w in prog.warnings], "type_variants": sorted(prog.type_variants),
        **{f"{kind}:{k}": entity(e) for kind in ("types", "globals", "functions")
           for k, e in getattr(prog, kind).items()},
    }


def load(tree, monkeypatch, preprocessor: str):
    monkeypatch.setenv("POLUS_PREPROCESSOR", preprocessor)
    monkeypatch.setenv("POLUS_JOBS", "1")        # in this process: the calls below are counted
    try:
        return described(load_program(tree, use_cache=False))
    except Exception as e:                       # a failing case fails the same way
        return {"error": f"{type(e).__name__}: {e}"}


@pytest.fixture
def compiler_calls(monkeypatch):
    """How many TUs the compiler preprocessed, and how many it left to pcpp."""
    counts = {"compiler": 0, "pcpp": 0}
    real = compiler_pp.preprocess_with_compiler

    def counted(*args, **kwargs):
        got = real(*args, **kwargs)
        counts["compiler" if got is not None else "pcpp"] += 1
        return got
    monkeypatch.setattr(compiler_pp, "preprocess_with_compiler", counted)
    return counts


@pytest.mark.parametrize("tree", TREES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_same_program_from_either_preprocessor(tree, monkeypatch, compiler_calls):
    with_pcpp = load(tree, monkeypatch, "pcpp")
    assert compiler_calls == {"compiler": 0, "pcpp": 0}           # POLUS_PREPROCESSOR=pcpp: pcpp only
    with_compiler = load(tree, monkeypatch, "auto")
    assert with_compiler == with_pcpp
    if CORPUS in tree.parents:
        assert compiler_calls["pcpp"] == 0 and compiler_calls["compiler"] > 0, compiler_calls


def test_asm_statements_are_left_to_pcpp(tmp_path, monkeypatch, compiler_calls):
    (tmp_path / "a.c").write_text('int x;\nvoid f(void) { __asm__ __volatile__("" ::: "memory"); x++; }\n')
    (tmp_path / "b.c").write_text("int y;\nvoid g(void) { y++; }\n")
    prog = load(tmp_path, monkeypatch, "auto")
    assert compiler_calls == {"compiler": 1, "pcpp": 1}
    assert "__asm__" in prog["functions:f@a.c" if "functions:f@a.c" in prog else "functions:f"]["body_text"]


def test_without_a_compiler_pcpp_does_it(tmp_path, monkeypatch, compiler_calls):
    (tmp_path / "a.c").write_text("#include <stdio.h>\nint x;\nint main(void) { printf(\"%d\", x); return 0; }\n")
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    prog = load(tmp_path, monkeypatch, "auto")
    assert compiler_calls == {"compiler": 0, "pcpp": 1}
    assert "printf" in prog["functions:main"]["body_text"]


def compile_commands(tmp_path, *options: str):
    """A two-file tree built with `options`: an -include'd config header that
    sets a feature macro and includes system headers, a macro given with -D and
    taken back with -U, and code that reads what -std predefines."""
    (tmp_path / "config.h").write_text(
        "#define _GNU_SOURCE 1\n#define PORT 2121\n#include <string.h>\n"
        "struct __attribute__((packed)) wire { char tag; int len; };\n")
    (tmp_path / "a.c").write_text(
        "#include <stdio.h>\n#include <unistd.h>\n"
        "#ifdef GONE\nint gone;\n#endif\n"
        "#if defined(__STRICT_ANSI__)\nint strict;\n#endif\n"
        "long version = __STDC_VERSION__;\n"
        "int port(void) { return PORT + (int)strlen(\"x\"); } // a comment\n")
    (tmp_path / "b.c").write_text("#include <stdlib.h>\nstruct wire w;\nint b(void) { return abs(w.len); }\n")
    (tmp_path / "compile_commands.json").write_text(json.dumps([
        {"directory": str(tmp_path), "file": f,
         "arguments": ["cc", "-include", "config.h", "-DGONE", "-UGONE", *options, "-c", f]}
        for f in ("a.c", "b.c")]))
    return tmp_path / "compile_commands.json"


@pytest.mark.parametrize("std", ["gnu99", "c99", "c11", None])
def test_compile_commands_options_through_the_compiler(tmp_path, monkeypatch, compiler_calls, std):
    tree = compile_commands(tmp_path, *([f"-std={std}"] if std else []))
    with_pcpp = load(tree, monkeypatch, "pcpp")
    with_compiler = load(tree, monkeypatch, "auto")
    assert with_compiler == with_pcpp
    assert compiler_calls == {"compiler": 2, "pcpp": 0}
    assert "2121" in with_compiler["functions:port"]["body_text"]
    assert "globals:gone" not in with_compiler
    assert ("globals:strict" in with_compiler) == (std is not None and std.startswith("c"))
    assert with_compiler["system_prologue"]["a.c"][:2] == ["#define _GNU_SOURCE 1", "#include <string.h>"]


@pytest.mark.parametrize("options", [["-std=c89"], ["-include", "stdio.h"]],
                         ids=["c90-comments", "include-system-header"])
def test_compile_commands_options_pcpp_keeps(tmp_path, monkeypatch, compiler_calls, options):
    """What gcc would read otherwise than pcpp: C90 (// is no comment), a
    system header given to -include (no #include line records it)."""
    tree = compile_commands(tmp_path, *options)
    load(tree, monkeypatch, "auto")
    assert compiler_calls == {"compiler": 0, "pcpp": 2}
