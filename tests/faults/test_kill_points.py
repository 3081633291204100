"""The injector killed at every named step of apply and of rollback, during
remote calls, and by SIGKILL/SIGTERM after random delays (a sample; the
opt-in campaign in test_campaign.py runs thousands).  After each, the
target lives, runs wholly v0 or v1, lost no write, and the next command
brings it to a definite version (tests/support/faults.py: settle)."""
from __future__ import annotations

import signal

import pytest

from tests.support.build import needs_gcc, needs_ptrace
from polusgen.inject.status import process_status
from tests.support.faults import (APPLY_STEPS, ROLLBACK_STEPS, build_fig2, kill_after, kill_at, polusgen,
                                  random_delays, settle, version_now)

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]

# what each step leaves: killed before the commit, nothing of the patch ran
# inside the switch (in-commit, in-rollback), the runtime finishes it alone,
# the other threads parked, pausing at each step until the injector is gone;
# killed while it parks them (one is, three are not), the switch does nothing
APPLY_SETTLES = {"load": "v0", "link": "v0", "register": "v0", "pre-update": "v0", "commit": "v0",
                 "parking": "v0", "in-commit": "v1", "committed": "v1", "watch": "v1"}
ROLLBACK_SETTLES = {"rollback": "v1", "parking": "v1", "in-rollback": "v0", "rolled-back": "v0", "watch": "v0"}


@pytest.fixture(scope="module")
def fig(tmp_path_factory):
    return build_fig2(tmp_path_factory.mktemp("fig2"))


@pytest.mark.parametrize("step", APPLY_STEPS)
def test_apply_killed_at_each_step(fig, targets, step):
    v, r, status = kill_at(targets, fig, "apply", step)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert v == APPLY_SETTLES[step]
    if step in ("pre-update", "commit", "parking"):    # registered, never committed: the next command undoes it
        assert "first: undid the interrupted apply of fig2" in status, status


@pytest.mark.parametrize("step", ROLLBACK_STEPS)
def test_rollback_killed_at_each_step(fig, targets, step):
    v, r, _ = kill_at(targets, fig, "rollback", step)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert v == ROLLBACK_SETTLES[step]


def killed_inside_the_switch(t, fig, op: str, point: str) -> None:
    """`op` on target t (a rollback after an apply), its injector killed at `point`."""
    if op == "rollback":
        polusgen("apply", t.pid, fig.so, "--wait", "0.3", env=fig.env)
    args = ("apply", t.pid, fig.so) if op == "apply" else ("rollback", t.pid)
    r = polusgen(*args, "--wait", "0", env={**fig.env, "POLUS_KILL_AT": point}, check=False)
    assert r.returncode == -signal.SIGKILL, r.stderr


@pytest.mark.parametrize("op,point,settles", [("apply", "in-commit", "v1"), ("rollback", "in-rollback", "v0")])
def test_killed_inside_the_switch_every_other_thread_waits_for_its_end(fig, targets, op, point, settles):
    """The runtime holds the switch at each step until the injector is gone:
    the four workers of the Fig. 2 program must have waited, parked in the
    runtime, for the switch to end (the main thread, blocked reading its
    stdin, is the one that switches)."""
    t = targets.start([fig.exe])
    try:
        killed_inside_the_switch(t, fig, op, point)
        assert version_now(t) == settles
        counters = process_status(t.pid).status["counters"]
        assert counters["switches_without_injector"] == 1, counters
        assert counters["threads_parked"] == 4, counters
        settle(t, fig)
    finally:
        t.stop()


@pytest.mark.parametrize("op,point", [("apply", "in-commit"), ("rollback", "in-rollback")])
def test_the_next_command_at_once_lets_a_switch_left_running_finish(fig, targets, op, point):
    """The next command arrives while the switch the dead injector started
    is still running (it holds at each step): the switch is in the journal
    from its first instruction, so the command waits for its end.  Before,
    the switch was journalled only from its activation: a command that came
    while it waited for the injector to be gone took the patch for one
    never committed, aborted and unloaded it, and the switch went on with
    freed records (a pool master died of it, a NULL dereference)."""
    t = targets.start([fig.exe])
    try:
        killed_inside_the_switch(t, fig, op, point)
        st = process_status(t.pid)          # at once: the switch holds for 30 ms at each step
        # (if the switching thread had not reached its first instruction yet,
        # the command undoes the apply and the call then finds nothing to do;
        # a rollback's call is not yet in the journal either: the command saw
        # v1, and the call then rolls back, wholly)
        assert t.alive()
        v = version_now(t)
        if op == "rollback" and st.version == 1 and v == "v0":
            st = process_status(t.pid)
        assert st.version == int(v[1]), st.describe()
        settle(t, fig)
    finally:
        t.stop()


@pytest.mark.parametrize("op,n", [("apply", 1), ("apply", 4), ("apply", 9), ("rollback", 3)])
def test_killed_with_a_thread_inside_a_remote_call(fig, targets, op, n):
    """call:N: SIGKILL while the N-th remote call runs in the target."""
    kill_at(targets, fig, op, f"call:{n}")


@pytest.mark.parametrize("op,step,sig", [("apply", "register", "TERM"), ("apply", "commit", "TERM"),
                                         ("apply", "call:5", "TERM"), ("rollback", "rollback", "TERM"),
                                         ("apply", "register", "HUP"), ("rollback", "rollback", "HUP")])
def test_sigterm_undoes_or_finishes_and_says_so(fig, targets, op, step, sig):
    """... and exits 128 + the signal, as a shell reports a command it ended."""
    v, r, _ = kill_at(targets, fig, op, f"{step}@{sig}")
    assert r.returncode == 128 + getattr(signal, f"SIG{sig}"), r.stderr
    assert f"interrupted by SIG{sig}" in r.stderr
    if op == "apply":
        assert v == "v0" and "the update was undone" in r.stderr
    else:
        assert v == "v1" and "nothing was rolled back" in r.stderr


@pytest.mark.parametrize("op", ["apply", "rollback"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_random_delay_kills_of_the_command(fig, targets, op, sig):
    for delay in random_delays(2, 1.5, seed=int(sig) * 7 + len(op)):
        kill_after(targets, fig, op, delay, sig)
