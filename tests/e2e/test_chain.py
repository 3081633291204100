"""A chain of two generated patches (`polusgen evolve v0 v1 v2`): the second
imports the first one's symbols from its library in the process; applied in
order, refused out of order, rolled back to version 0 in one command."""
from __future__ import annotations

import os

import pytest

from polusgen.errors import InjectError
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, FIG2, case
from tests.support.process import moving_reports, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
V2 = case(E2E, "fig2_chain").version(2)


def runs(t, version):
    r = moving_reports(t)
    assert all(x["version"] == version and x["i"] == x["calls"] for x in r), r
    assert r[1]["calls"] > r[0]["calls"], r
    return r


def test_chain_applied_in_order_and_rolled_back_to_zero(tmp_path, targets):
    exe = build_c(FIG2.sources(0), tmp_path / "fig2", pie=True)
    out = tmp_path / "patches"
    polusgen("evolve", FIG2 / "v0", FIG2 / "v1", V2, "-o", out, "--binary", exe, "--program", "fig2",
             env={**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")})
    p1, p2 = out / "fig2-v1.so", out / "fig2-v2.so"
    t = targets.start([exe])
    runs(t, "v0")
    with pytest.raises(InjectError, match="requires fig2-v1"):
        apply_patch(t.pid, p2, wait=0.1)
    runs(t, "v0")
    apply_patch(t.pid, p1, wait=0.2)
    runs(t, "v1")
    res = apply_patch(t.pid, p2, wait=0.2)
    assert res.from_version == 1 and res.to_version == 2
    v2 = runs(t, "v2")
    assert v2[1]["k"] > v2[0]["k"] and v2[1]["j"] > v2[0]["j"]
    assert process_status(t.pid).version == 2
    with pytest.raises(InjectError):
        rollback_patch(t.pid, to=5)
    rb = rollback_patch(t.pid, to=0, wait=0.3)
    assert [p.name for p in rb.patches] == ["fig2-v2", "fig2-v1"] and rb.terminated
    runs(t, "v0")
    assert process_status(t.pid).version == 0
