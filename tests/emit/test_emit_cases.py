"""Every constructor case under tests/cases/* (except fail_*) produces a patch
that gcc -O2 -Wall -Werror -fPIC -shared compiles against the real system
headers, that pycparser parses back, that calls only the runtime functions
runtime/polus.h declares, and whose embedded manifest matches its code."""
from __future__ import annotations

import re

import pytest

from polusgen.elf import read_manifest
from polusgen.resources import runtime_dir
from tests.support.abi import called_polus_functions, header_functions
from tests.support.build import exported

from tests.support.cases import CONSTRUCTOR, Case, cases

from .conftest import compile_so, emit

def constructor_cases():
    return [c.name for c in cases(CONSTRUCTOR) if not c.name.startswith("fail_")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = {}

    def get(name):
        if name not in cache:
            case = Case(CONSTRUCTOR / name)
            exp = case.expected
            out = tmp_path_factory.mktemp(name) / f"{name}.polus.c"
            old, new = case.pair()
            plan, text = emit(old, new, out, include=exp.get("include", []), program=name)
            so = out.with_name(f"{name}.so")
            r = compile_so(out, so, [f"-I{new / d}" if new.is_dir() else f"-I{new.parent / d}"
                                     for d in exp.get("include", [])])
            cache[name] = (plan, out, text, so, r)
        return cache[name]
    return get


@pytest.mark.parametrize("name", constructor_cases())
def test_patch_compiles_with_real_headers(built, name):
    plan, out, text, so, r = built(name)
    assert r.returncode == 0, f"{out}:\n{r.stderr}"
    assert '#include "polus.h"' in text
    for h in plan.cs.new.all_system_includes():
        assert f"#include <{h}>" in text
    assert "fake_libc" not in text


@pytest.mark.parametrize("name", constructor_cases())
def test_patch_calls_only_declared_runtime_functions(built, name):
    plan, out, text, so, r = built(name)
    calls = called_polus_functions(text)
    assert calls <= header_functions(), calls - header_functions()
    assert "polus_begin_patch" in calls and "polus_end_patch" in calls


@pytest.mark.parametrize("name", constructor_cases())
def test_patch_parses_back(built, name, tmp_path):
    from polusgen.frontend.preprocess import FileNames, preprocess
    from polusgen.frontend.tu import parse_c

    plan, out, text, so, r = built(name)
    names = FileNames(out.parent)
    ast = parse_c(preprocess(out, [runtime_dir()], out.parent, [], names).text, names, str(out))
    defined = {e.decl.name for e in ast.ext if type(e).__name__ == "FuncDef"}
    assert "register_patch" in defined
    assert {f.symbol for f in plan.manifest.new_functions} <= defined


@pytest.mark.parametrize("name", constructor_cases())
def test_manifest_matches_code(built, name):
    plan, out, text, so, r = built(name)
    assert r.returncode == 0
    m = read_manifest(so)
    assert m is not None and m.name == f"{name}-v1" and (m.from_version, m.to_version) == (0, 1)
    assert m.to_json() == plan.manifest.to_json()
    assert f"polus_imports[{len(m.imports)}];" in text
    used = {int(i) for i in re.findall(r"polus_imports\[(\d+)\]\.", text)}
    assert used <= set(range(len(m.imports)))
    for r_ in m.redirects:
        assert 0 <= r_.old < len(m.old_functions) and 0 <= r_.new < len(m.new_functions)
    for o in m.old_functions:
        assert m.imports[o.import_index].kind == "function"
        assert re.sub(r"_v\d+$", "", m.imports[o.import_index].name) == o.name.split("@")[0]
    for d in m.data:
        assert m.imports[d.old_import].kind == "data"
    names = exported(so)
    assert {"register_patch", "polus_imports"} <= names
    assert {f.symbol for f in m.new_functions} <= names
    assert {d.new_symbol for d in m.data} <= names
    # every changed function is redirected, every signature-changed one only through a stub
    cs = plan.cs
    redirected = {m.old_functions[x.old].name for x in m.redirects}
    for key, ch in cs.functions.items():
        if ch.status.value == "changed":
            assert key in redirected, key
        if ch.signature_changed and key in redirected:
            assert any(n.stub and n.name == key for n in m.new_functions), key


def test_abi_checker_catches_an_undeclared_call():
    text = "int register_patch(void) { polus_begin_patch(0,0,0,0,1); return polus_secret_hook(3); }"
    assert "polus_secret_hook" in called_polus_functions(text) - header_functions()
