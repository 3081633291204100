"""A program's own signal handler writing a page in write-through while the
runtime's SIGSEGV handler may be running.

The program's only thread never leaves run(), which writes the changed
global a at every step, so every step faults into the runtime.  Its SIGUSR1
handler writes a.sigs, on a protected page too.  Were a SIGUSR1 let in while
the runtime's handler ran (with SIGSEGV blocked by the kernel), the fault of
the program's handler would be forced through with the default action and
kill the process; the runtime blocks every signal in its handlers, and the
program's handler runs when they return."""
from __future__ import annotations

import os
import signal
import time

import pytest

from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import parse_report, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "signals")


def flood(t, seconds: float, version: str, rounds: int = 5) -> dict:
    """Send SIGUSR1 for `seconds`, asking for a report after each of `rounds`
    slices: the process must live, and every report must be consistent."""
    first = last = parse_report(t.ask())
    sent = 0
    for _ in range(rounds):
        end = time.monotonic() + seconds / rounds
        while time.monotonic() < end:
            os.kill(t.pid, signal.SIGUSR1)
            sent += 1
        assert t.alive(), f"the process died of signal {-t.proc.returncode} after {sent} signals"
        r = parse_report(t.ask(timeout=5.0))
        assert r["version"] == version, r
        assert r["i"] == r["iters"], r                # no step of the loop lost or counted twice
        assert r["sigs"] == r["handled"], r           # nor any run of the handler
        assert r["iters"] > last["iters"] and r["handled"] >= last["handled"], (last, r)
        last = r
    handled = last["handled"] - first["handled"]
    assert 0 < handled <= sent, (first, last, sent)  # pending signals merge: never more than sent
    return last


def test_signal_handler_writing_a_page_in_write_through(tmp_path, targets):
    exe = build_c(CASE.sources(0), tmp_path / "sig")
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    polusgen("diff", CASE / "v0", CASE / "v1", "-o", tmp_path / "p.polus.c", "--binary", exe, env=env)
    polusgen("build", tmp_path / "p.polus.c", env=env)
    t = targets.start([exe])
    flood(t, 0.2, "v0", rounds=2)
    res = apply_patch(t.pid, tmp_path / "p.so", wait=0.2)
    assert "run" in res.never_left
    st = process_status(t.pid)
    assert "a" in st.applied()[0]["synchronized_data"]        # a stays in write-through
    r = flood(t, 1.0, "v1")
    assert r["j"] == 0, r          # the new member: only the new run() (never called) would count in it
    st = process_status(t.pid)
    assert st.status["counters"]["trapped_writes"] > 0
    rollback_patch(t.pid, wait=0.2)
    flood(t, 0.5, "v0")
    assert t.alive()
