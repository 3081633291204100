"""Running processes from tests: wait for progress, drive a program line by line."""
from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from polusgen.demo import parse_report  # one parser of the Fig. 2 report line

from .build import REPO


POLUSGEN = [sys.executable, "-m", "polusgen"]     # the command line a user types, from this checkout


def polusgen(*args, env=None, check: bool = True, cwd: Path = REPO,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m polusgen ARGS` run from this checkout, as a user runs it (from
    `cwd`: relative paths in ARGS are the user's); with check, a failure fails
    the test with polusgen's output.  A hung run fails after `timeout` seconds."""
    if Path(cwd) != REPO:
        env = dict(os.environ if env is None else env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    r = subprocess.run([*POLUSGEN, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    if check:
        assert r.returncode == 0, f"polusgen {' '.join(map(str, args))}:\n{r.stdout}\n{r.stderr}"
    return r


def eventually(probe, ok, timeout: float = 10.0, pause: float = 0.01, what: str = ""):
    """probe() until ok(value), at most `timeout` seconds: progress checks wait
    for the progress, however slowly a loaded machine schedules the target,
    instead of sleeping a fixed time and hoping.  Returns the value that passed;
    fails the test with the last value seen (and `what` was awaited) otherwise."""
    deadline = time.monotonic() + timeout
    v = probe()
    while not ok(v):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what + ': ' if what else ''}still {v!r} after {timeout}s")
        time.sleep(pause)
        v = probe()
    return v


def exits_meanwhile(pid: int, grace: float = 1.0) -> bool:
    """Is `pid` gone, or going within `grace` seconds?  A pool child caught in
    its exit loses its /proc exe link before it is a zombie, so a command
    finds "no process" while /proc/PID still stands for a moment."""
    from polusgen.inject.ptrace import process_dying

    deadline = time.monotonic() + grace
    while os.path.exists(f"/proc/{pid}") and not process_dying(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def sleeping(pid: int) -> bool:
    """The process's main thread is blocked in nanosleep / clock_nanosleep
    (usleep): for a program that prints "ready" before it enters the loop
    that sleeps, the sign that it is in the loop now."""
    try:
        return Path(f"/proc/{pid}/syscall").read_text().split()[0] in ("35", "230")
    except (OSError, IndexError):
        return False


def moving_reports(t, keys=("calls",), n: int = 2) -> list[dict]:
    """n Fig. 2 report lines, each one asked for until every counter in `keys`
    has moved past the one before (or the version changed: the caller's
    assertion then says so)."""
    out = [parse_report(t.ask())]
    for _ in range(n - 1):
        prev = out[-1]
        out.append(eventually(lambda: parse_report(t.ask()),
                              lambda x: x["version"] != prev["version"] or all(x[k] > prev[k] for k in keys),
                              pause=0.02))
    return out


class Target:
    """A process driven line by line: ask() writes a line and reads the answer."""

    def __init__(self, argv: Sequence[str | Path], ready: str | None = "ready", timeout: float = 10.0):
        self.proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        if ready is not None:
            line = self.readline(timeout)
            assert line == ready, f"target did not start: {line!r}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def readline(self, timeout: float = 10.0) -> str:
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            raise AssertionError(f"no answer from pid {self.pid} within {timeout}s")
        return self.proc.stdout.readline().strip()

    def ask(self, line: str = "", timeout: float = 10.0) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.readline(timeout)

    def wait_reading_stdin(self, timeout: float = 5.0) -> None:
        """Wait until the main thread is blocked in read(0, ...) again.  ask()
        returns as soon as the answer is written, which may be before the
        program has finished the rest of that turn (released a lock, say)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                fields = Path(f"/proc/{self.pid}/task/{self.pid}/syscall").read_text().split()
            except OSError:
                fields = []
            if len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0:
                return
            time.sleep(0.001)
        raise AssertionError(f"pid {self.pid} did not go back to reading its stdin within {timeout}s")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except Exception:
                pass
