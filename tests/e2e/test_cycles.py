"""Many applies and rollbacks in one process's life: no limit on their
number, a patch rolled back to the end is unloaded (its records freed,
its id free), so nothing piles up, and an apply after a rollback builds
the new data from the old data and the patch's initializers, like the
first."""
from __future__ import annotations

import pytest

from polusgen.inject import procmem
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import build_fig2, version_now
from tests.support.process import eventually, parse_report

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


@pytest.fixture(scope="module")
def fig(tmp_path_factory):
    return build_fig2(tmp_path_factory.mktemp("fig2"))


def cycle(pid: int, so) -> None:
    apply_patch(pid, so, wait=0.05)
    rb = rollback_patch(pid, wait=2.0)
    assert rb.terminated, rb.describe()


def test_apply_after_rollback_starts_the_added_member_afresh(fig, targets):
    """j is the member v1 adds to struct A (initializer 0): the first apply
    moves it; rolled back and applied again, it starts from 0 again and
    counts only the calls made since the second apply."""
    t = targets.start([fig.exe])
    apply_patch(t.pid, fig.so, wait=0.1)
    eventually(lambda: parse_report(t.ask()), lambda r: r["version"] == "v1" and r["j"] > 1000,
               what="j moving under v1")
    cycle_rb = rollback_patch(t.pid, wait=2.0)
    assert cycle_rb.terminated and version_now(t) == "v0"
    process_status(t.pid)                   # unloads the rolled-back patch
    before = parse_report(t.ask())["calls"]
    apply_patch(t.pid, fig.so, wait=0.1)
    r = parse_report(t.ask())
    assert r["version"] == "v1"
    assert 0 <= r["j"] <= r["calls"] - before, (before, r)


def test_more_applies_than_the_old_limit_and_nothing_piles_up(fig, targets):
    t = targets.start([fig.exe])
    cycle(t.pid, fig.so)
    process_status(t.pid)                  # the first rolled-back patch is unloaded here
    maps_one = len(procmem.read_maps(t.pid))
    flat = ("records", "item_slots")       # the runtime's memory but for its per-thread slots
    mem_one = eventually(lambda: process_status(t.pid).status["memory"], lambda m: not m["reclaimable"])
    for _ in range(70):                    # the runtime used to refuse the 65th
        cycle(t.pid, fig.so)
    # what unloading kept while a thread might read it is freed by a later
    # command, once no thread is inside the runtime
    mem = eventually(lambda: process_status(t.pid).status["memory"], lambda m: not m["reclaimable"])
    assert {k: mem[k] for k in flat} == {k: mem_one[k] for k in flat}, (mem_one, mem)
    st = process_status(t.pid)
    assert version_now(t) == "v0"
    # every rolled-back patch but the last is gone: unloaded, not listed
    assert [p["state"] for p in st.patches] == [] and st.runtime_loaded
    assert len(procmem.read_maps(t.pid)) == maps_one
    assert len(st.to_json()) < 8192
    apply_patch(t.pid, fig.so, wait=0.1)
    assert version_now(t) == "v1"
