"""Every vsftpd release loads, when the releases are on this machine.

POLUS_VSFTPD_DIR names a folder holding release folders (2.0.0 ... 2.0.7);
nothing of vsftpd is in this repository.  Skipped when unset.  The checks are
about the frontend's behaviour on real code, not about vsftpd's contents.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from polusgen.frontend import load_program
from tests.support.vsftpd import VSFTPD_DIR, needs_vsftpd

pytestmark = needs_vsftpd


def releases() -> list[Path]:
    if not VSFTPD_DIR:
        return []
    return sorted(p for p in Path(VSFTPD_DIR).iterdir() if p.is_dir() and any(p.glob("*.c")))


@pytest.mark.parametrize("release", releases(), ids=lambda p: p.name)
def test_release_loads(release):
    p = load_program(release)
    c_files = sorted(q.relative_to(release).as_posix() for q in release.rglob("*.c"))
    assert p.files == c_files
    assert "main" in p.functions and p.functions["main"].file == "main.c"
    # system headers are recorded per TU; only the fake ones count as system
    assert set(p.system_includes) == set(p.files)
    assert "sys/socket.h" in p.all_system_includes()
    assert all(not t.system or not t.coord.file.endswith(".c") for t in p.types.values())
    # program entities live in program files; uses resolve to program entities only
    for f in p.functions.values():
        assert f.file in p.files and not f.coord.file.startswith("/")
        assert f.calls <= set(p.functions) and f.addr_taken <= set(p.functions)
        assert f.reads <= set(p.globals) and f.writes <= set(p.globals)
        assert "__polus" not in f.body_text
    statics = [k for k in p.functions if "@" in k]
    assert statics and all(p.functions[k].static for k in statics)
    # some function calls something, some writes a global, some loop never ends
    assert any(f.calls for f in p.functions.values())
    assert any(f.writes for f in p.functions.values())
    assert any(f.loops_forever for f in p.functions.values())


def test_warm_load_equals_cold_load():
    rel = releases()
    if not rel:
        pytest.skip("no releases")
    cold = load_program(rel[0])
    warm = load_program(rel[0])
    assert set(cold.functions) == set(warm.functions)
    for k, f in cold.functions.items():
        w = warm.functions[k]
        assert (f.body_text, f.signature_text, f.calls, f.reads, f.writes) == \
               (w.body_text, w.signature_text, w.calls, w.reads, w.writes)
