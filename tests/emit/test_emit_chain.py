"""One version file, three patches v0->v1->v2->v3: names, old references,
requirements, and the version file itself."""
from __future__ import annotations

import json

import pytest

from polusgen.errors import VersionFileError
from polusgen.versionfile import VersionFile

from tests.support.cases import EMIT, case

from .conftest import compile_so, emit

CHAIN = case(EMIT, "chain")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chain")
    vf = tmp / "chain.json"
    out = []
    for i in (1, 2, 3):
        c = tmp / f"chain-v{i}.polus.c"
        plan, text = emit(*CHAIN.pair(i - 1, i), c,
                          version_file=vf, program="chain")
        out.append((plan, c, text, compile_so(c, tmp / f"chain-v{i}.so")))
    return tmp, vf, out


def test_every_patch_of_the_chain_compiles(chain):
    for plan, c, text, r in chain[2]:
        assert r.returncode == 0, r.stderr


def test_names_carry_the_global_version(chain):
    (p1, _, t1, _), (p2, _, t2, _), (p3, _, t3, _) = chain[2]
    assert [p.name for p in (p1, p2, p3)] == ["chain-v1", "chain-v2", "chain-v3"]
    assert p1.symbol("function", "foo") == "foo_v1" and p2.symbol("function", "foo") == "foo_v2"
    assert p3.symbol("function", "foo") == "foo_v3"
    assert "int foo_v3(int x)" in t3 and "struct cfg_v1" in t1
    assert [p.requires for p in (p1, p2, p3)] == [(), ("chain-v1",), ("chain-v2",)]
    assert [(p.from_version, p.to_version) for p in (p1, p2, p3)] == [(0, 1), (1, 2), (2, 3)]


def test_old_side_refers_to_the_earlier_patch_library(chain):
    (p1, _, _, _), (p2, _, t2, _), (p3, _, t3, _) = chain[2]
    m3 = p3.manifest
    foo_old = [m3.imports[o.import_index] for o in m3.old_functions if o.name == "foo"]
    assert [(i.name, i.lib) for i in foo_old] == [("foo_v2", "chain-v2")]
    # conf changed in v1 only: v2 and v3 read it where patch 1 put it
    for m in (p2.manifest, m3):
        conf = [i for i in m.imports if i.kind == "data" and i.name.startswith("conf")]
        assert [(i.name, i.lib) for i in conf] == [("conf_v1", "chain-v1")]
    # level never changed: still the program's own
    lev = [i for i in m3.imports if i.name == "level"]
    assert [(i.name, i.lib) for i in lev] == [("level", None)]
    # a static of the started program keeps the source file the binary knows it by (v0.c),
    # although each single-file version calls it by its own file name
    for m in (p2.manifest, m3):
        calls = [(i.name, i.file, i.lib) for i in m.imports if i.name == "calls"]
        assert calls == [("calls", "v0.c", None)]
    # the redirect of foo in patch 3 goes from foo_v2 to foo_v3
    r = [(m3.old_functions[x.old].name, m3.new_functions[x.new].symbol) for x in m3.redirects]
    assert ("foo", "foo_v3") in r


def test_version_file_records_the_chain(chain):
    tmp, vf, out = chain
    d = json.loads(vf.read_text())
    assert d["program"] == "chain" and d["version"] == 3
    assert [p["name"] for p in d["patches"]] == ["chain-v1", "chain-v2", "chain-v3"]
    foo = d["symbols"]["functions"]["foo"]
    assert (foo["version"], foo["name"], foo["lib"]) == (3, "foo_v3", "chain-v3")
    assert foo["so"].endswith("chain-v3.so")
    assert d["symbols"]["globals"]["conf"]["name"] == "conf_v1"
    assert d["symbols"]["functions"]["twice"]["lib"] == "chain-v3"
    # the started program's symbols are recorded too (version 0, no library)
    assert d["symbols"]["globals"]["level"] == {"version": 0, "name": "level"}
    assert d["symbols"]["globals"]["calls@v0.c"] == {"version": 0, "name": "calls", "file": "v0.c"}


def test_version_file_not_written_when_the_patch_fails(tmp_path, monkeypatch):
    import polusgen.emit as emit_mod

    vf = tmp_path / "chain.json"
    emit(*CHAIN.pair(), tmp_path / "a.polus.c", version_file=vf, program="chain")
    before = vf.read_text()

    def boom(*a, **k):
        raise RuntimeError("template failure")
    monkeypatch.setattr(emit_mod, "render_patch", boom)
    with pytest.raises(RuntimeError):
        emit(*CHAIN.pair(1, 2), tmp_path / "b.polus.c", version_file=vf,
             program="chain")
    assert vf.read_text() == before
    assert not (tmp_path / "b.polus.c").exists()


def test_version_file_errors(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{not json")
    with pytest.raises(VersionFileError, match="corrupt"):
        VersionFile.load(p)
    p.write_text(json.dumps({"format": 1, "program": "a", "version": 0, "symbols": {}, "patches": []}))
    with pytest.raises(VersionFileError, match="program 'a'"):
        VersionFile.load(p, program="b")
    assert VersionFile.load(tmp_path / "missing.json", program="b").version == 0


def test_writing_the_last_step_again_redoes_it(tmp_path):
    """After a failed build the user runs the same step again: same version,
    same patch, same version file; an earlier step is refused."""
    vf = tmp_path / "chain.json"
    a, b = tmp_path / "a.polus.c", tmp_path / "b.polus.c"
    emit(*CHAIN.pair(), a, version_file=vf, program="chain")
    after_a, text_a = vf.read_text(), a.read_text()
    emit(*CHAIN.pair(), a, version_file=vf, program="chain")
    assert (vf.read_text(), a.read_text()) == (after_a, text_a)
    emit(*CHAIN.pair(1, 2), b, version_file=vf, program="chain")
    after_b, text_b = vf.read_text(), b.read_text()
    emit(*CHAIN.pair(1, 2), b, version_file=vf, program="chain")
    assert (vf.read_text(), b.read_text()) == (after_b, text_b)
    assert VersionFile.load(vf).version == 2
    with pytest.raises(VersionFileError, match="not the last step"):
        emit(*CHAIN.pair(), a, version_file=vf, program="chain")
    assert vf.read_text() == after_b
