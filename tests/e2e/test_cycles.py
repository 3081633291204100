"""Many applies and rollbacks in one process's life: no limit on their
number, and a patch rolled back to the end is unloaded (its records freed,
its id free), so nothing piles up."""
from __future__ import annotations

import pytest

from polusgen.inject import procmem
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import build_fig2, version_now

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


@pytest.fixture(scope="module")
def fig(tmp_path_factory):
    return build_fig2(tmp_path_factory.mktemp("fig2"))


def cycle(pid: int, so) -> None:
    apply_patch(pid, so, wait=0.05)
    rb = rollback_patch(pid, wait=2.0)
    assert rb.terminated, rb.describe()


def test_more_applies_than_the_old_limit_and_nothing_piles_up(fig, targets):
    t = targets.start([fig.exe])
    cycle(t.pid, fig.so)
    process_status(t.pid)                  # the first rolled-back patch is unloaded here
    maps_one = len(procmem.read_maps(t.pid))
    for _ in range(70):                    # the runtime used to refuse the 65th
        cycle(t.pid, fig.so)
    st = process_status(t.pid)
    assert version_now(t) == "v0"
    # every rolled-back patch but the last is gone: unloaded, not listed
    assert [p["state"] for p in st.patches] == [] and st.runtime_loaded
    assert len(procmem.read_maps(t.pid)) == maps_one
    assert len(st.to_json()) < 8192
    apply_patch(t.pid, fig.so, wait=0.1)
    assert version_now(t) == "v1"
