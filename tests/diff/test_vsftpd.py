"""The paper's case study on real releases, when they are on this machine.

POLUS_VSFTPD_DIR names a folder holding vsftpd release folders (2.0.0, 2.0.1,
...); nothing of vsftpd is in this repository.  Skipped when unset.
"""
from __future__ import annotations

import pytest

from polusgen.model import Kind, Status
from tests.support.vsftpd import RELEASES, load_releases, needs_vsftpd, pairs

pytestmark = needs_vsftpd


@pytest.fixture(scope="module")
def programs():
    return load_releases()


def check_consistent(cs):
    for kind in Kind:
        for key, ch in cs.section(kind).items():
            if ch.status is not Status.UNCHANGED:
                assert ch.reasons, f"{kind.value} {key} is {ch.status.value} without a reason"
            if ch.status is Status.ADDED:
                assert (ch.old is None) != ch.signature_changed
            elif ch.status is Status.DELETED:
                assert ch.old is not None and ch.new is None
            elif ch.old is None or ch.new is None:   # only a system type one version's headers declare
                assert kind is Kind.TYPE and ch.entity.system and ch.status is Status.UNCHANGED
    for f, gs in cs.f2d.items():
        assert f in cs.old.functions
        for g in gs:
            assert cs.globals[g].status is Status.CHANGED and f in cs.d2f[g]
    for caller in cs.promoted:
        assert cs.functions[caller].status is Status.CHANGED


def test_every_step_diffs_consistently(programs):
    from polusgen.diff import compute_changeset

    for a, b in pairs(programs):
        cs = compute_changeset(programs[a], programs[b])
        check_consistent(cs)
        assert sum(sum(c.values()) for c in cs.counts().values()) > 0, f"{a} -> {b}: nothing changed?"


def test_a_body_changed_over_a_range_changed_in_some_step(programs):
    """2.0.0 -> 2.0.4 body changes must show up in one of the steps between."""
    from polusgen.diff import compute_changeset

    if not all(r in programs for r in RELEASES[:5]):
        pytest.skip("needs 2.0.0 .. 2.0.4")
    whole = compute_changeset(programs["2.0.0"], programs["2.0.4"])
    steps = [compute_changeset(programs[a], programs[b]) for a, b in zip(RELEASES[:4], RELEASES[1:5])]
    for key, ch in whole.functions.items():
        if ch.old is not None and ch.new is not None and "body changed" in ch.reasons:
            assert any(key in s.functions and "body changed" in s.functions[key].reasons for s in steps), key
