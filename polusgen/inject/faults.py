"""Where the injector may be stopped: on purpose, and by a signal.

kill_point(name): with POLUS_KILL_AT=<name>[@<SIGNAL>] in the environment
the injector sends itself that signal (SIGKILL unless named) right there.
The named points are the steps of apply and rollback, "call:N", the N-th
remote call this process makes (it dies with the callee running), and
"parking": while the other threads are being parked for a switch (one
is), "in-commit" / "in-rollback": inside the switch, which the runtime
then holds at each of its steps until we are gone (runtime/rt_park.c).
The fault-injection suite (tests/faults/) kills the injector at each.

SIGTERM, SIGINT and SIGHUP raise Interrupted in the operation, which then
finishes or undoes what it started -- but never in the middle of a remote
call, nor of an undo: inside critical() the signal waits for its end.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
calls = 0           # remote calls made by this process (for "call:N")
_depth = 0
_pending: list[int] = []


class Interrupted(BaseException):
    """A termination signal arrived; the operation in progress finishes or undoes."""

    def __init__(self, sig: int):
        super().__init__(signal.Signals(sig).name)
        self.sig = sig


def kill_point(name: str) -> None:
    spec = os.environ.get("POLUS_KILL_AT")
    if not spec:
        return
    where, _, sig = spec.partition("@")
    if where == name:
        os.kill(os.getpid(), getattr(signal, f"SIG{sig}") if sig else signal.SIGKILL)


def armed(name: str) -> bool:
    """POLUS_KILL_AT names this point (the runtime is told to hold there)."""
    return os.environ.get("POLUS_KILL_AT", "").partition("@")[0] == name


def next_call() -> None:
    """Count a remote call about to run (its callee just started)."""
    global calls
    calls += 1
    kill_point(f"call:{calls}")


def _on_signal(sig, frame) -> None:
    if _depth:
        _pending.append(sig)
        return
    raise Interrupted(sig)


@contextlib.contextmanager
def interruptible():
    """Termination signals become Interrupted while the operation runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _on_signal) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def critical():
    """No Interrupted in here: a signal that arrives waits for the end."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending:
            sig = _pending[0]
            _pending.clear()
            raise Interrupted(sig)
