"""Stopping a process again and again while the runtime's write-through is
busy: workers never leave the old function that writes the changed global,
so every write faults (SIGSEGV) into the runtime.  A thread caught in that
signal-delivery-stop must get its signal back, with its siginfo, each time;
if one were swallowed or changed, increments would be lost or the program
would crash."""
from __future__ import annotations

import json
import os
import time

import pytest

from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import parse_report, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "writethrough")


def no_loss(reports, version):
    """A lost write would leave i behind calls for good; the runtime's sync may
    lag by the writes in flight (at most one per worker) at the moment of a
    report, so: never more than that, and settled again in the next ones."""
    assert all(r["version"] == version for r in reports), reports
    assert all(r["calls"] - 3 <= r["i"] <= r["calls"] for r in reports), reports
    assert sum(r["i"] == r["calls"] for r in reports) > len(reports) // 2, reports


def test_statuses_during_write_through_lose_nothing(tmp_path, targets, pie):
    exe = build_c(CASE.sources(0), tmp_path / "wt", pie=pie)
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    c = tmp_path / "p.polus.c"
    for args in (["diff", CASE / "v0", CASE / "v1", "-o", c, "--binary", exe], ["build", c]):
        polusgen(*args, env=env)
    so = tmp_path / "p.so"
    t = targets.start([exe])
    assert parse_report(t.ask())["version"] == "v0"
    res = apply_patch(t.pid, so, wait=0.2)
    assert "run" in res.never_left
    for _ in range(20):
        st = process_status(t.pid)
    assert "a" in st.applied()[0]["synchronized_data"]        # still in write-through
    assert st.status["counters"]["trapped_writes"] > 0
    reports = []
    for _ in range(7):
        time.sleep(0.01)
        reports.append(parse_report(t.ask()))
    no_loss(reports, "v1")
    assert reports[-1]["calls"] > reports[0]["calls"]
    rollback_patch(t.pid, wait=0.2)
    for _ in range(10):
        process_status(t.pid)
    no_loss([parse_report(t.ask()) for _ in range(7)], "v0")
    assert json.loads(st.to_json())["version"] == 1
    assert t.alive()


def test_threads_left_running_during_a_long_call_are_not_held_by_their_faults(tmp_path, targets):
    """While one thread makes a remote call (the load phase of an apply), the
    others run on, seized: each write-through fault stops them for us to see.
    They must be let on with their signal at once, not wait for the call."""
    from polusgen.inject import procmem, remote
    from polusgen.inject import ptrace as pt

    exe = build_c(CASE.sources(0), tmp_path / "wt", pie=True)
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    c = tmp_path / "p.polus.c"
    for args in (["diff", CASE / "v0", CASE / "v1", "-o", c, "--binary", exe], ["build", c]):
        polusgen(*args, env=env)
    t = targets.start([exe])
    apply_patch(t.pid, tmp_path / "p.so", wait=0.1)
    before = parse_report(t.ask())
    # main prints the report holding the workers' lock: stopped before it lets
    # go, it would hold them all through the call (a CI run saw 0 writes so)
    t.wait_reading_stdin()
    tr = pt.Tracer(t.pid)
    tr.attach(stop=False)                # main stopped, the workers run (and fault) on
    mem = procmem.Memory(t.pid)
    try:
        r = remote.Remote(tr, mem)
        r.call_libc("usleep", 300000, tid=t.pid, timeout=2.0)
    finally:
        tr.detach_all()
        mem.close()
    after = parse_report(t.ask())
    # held by their first fault, the three workers would have made 3 writes at
    # most (about 250 here; the bound is the hold, not a speed)
    assert after["calls"] - before["calls"] > 3, (before, after)
    assert after["calls"] - 3 <= after["i"] <= after["calls"]
