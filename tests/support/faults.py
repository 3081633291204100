"""Kill the injector while it works on the Fig. 2 program, and judge what it
left: the target lives, runs wholly v0 or wholly v1 (the report says which
and, under v1, j moves with every call), lost no increment (i == calls),
and the next command brings it to a definite version.

Shared by the default sample (tests/faults/test_kill_points.py), the
opt-in campaign (tests/faults/test_campaign.py) and bench/bench_cycles.py."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.support.build import REPO, build_c
from tests.support.cases import FIG2
from tests.support.process import POLUSGEN, eventually, moving_reports, polusgen

APPLY_STEPS = ["load", "link", "register", "pre-update", "commit", "parking", "in-commit", "committed", "watch"]
ROLLBACK_STEPS = ["rollback", "parking", "in-rollback", "rolled-back", "watch"]


def popen(*args, env) -> subprocess.Popen:
    return subprocess.Popen([*POLUSGEN, *map(str, args)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@dataclass
class Fig2:
    exe: Path
    so: Path
    env: dict


def build_fig2(tmp: Path) -> Fig2:
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp / "cache")}
    exe = build_c([FIG2 / "v0" / "ab.c", FIG2 / "v0" / "main.c"], tmp / "fig2", pie=True)
    c = tmp / "p.polus.c"
    polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", c, "--binary", exe, env=env)
    so = Path(polusgen("build", c, env=env).stdout.strip().splitlines()[-1])
    return Fig2(exe, so, env)


def version_now(t) -> str:
    """'v0' or 'v1', after checking the program is wholly that version and lost no write."""
    r = moving_reports(t, ("calls",), 2)
    v = r[0]["version"]
    assert [x["version"] for x in r] == [v, v], r
    assert all(x["i"] == x["calls"] for x in r), f"an increment was lost: {r}"
    if v == "v1":      # new bar and foo run too: j moves with the calls
        r = moving_reports(t, ("calls", "j"), 2)
        assert all(x["version"] == "v1" and x["i"] == x["calls"] for x in r), r
    return v


def settle(t, fig: Fig2) -> tuple[str, str]:
    """After a kill: alive, wholly one version, nothing lost; `status` (the
    next command) recovers and agrees; apply / rollback then work."""
    assert t.alive(), "the target died"
    v = version_now(t)
    st = polusgen("status", t.pid, env=fig.env).stdout
    assert f"runs version {v[1]}" in st or v == "v0" and "no update applied" in st, st
    assert version_now(t) == v
    if v == "v0":
        # a rollback may still be finishing (a thread inside the new bar()
        # at each sample): apply refuses until then
        eventually(lambda: polusgen("apply", t.pid, fig.so, "--wait", "0.3", env=fig.env, check=False),
                   lambda r: r.returncode == 0 or "still rolling back" not in r.stderr, timeout=30)
        assert version_now(t) == "v1"
    else:
        polusgen("rollback", t.pid, "--wait", "1", env=fig.env)
        assert version_now(t) == "v0"
    assert t.alive()
    return v, st


def kill_at(targets, fig: Fig2, op: str, point: str) -> tuple[str, subprocess.CompletedProcess, str]:
    """Run `op` (apply or rollback) with POLUS_KILL_AT=point; returns the
    version the target settled at, the command's result and what the next
    command (status) said."""
    t = targets.start([fig.exe])
    assert version_now(t) == "v0"
    if op == "rollback":
        polusgen("apply", t.pid, fig.so, "--wait", "0.3", env=fig.env)
        assert version_now(t) == "v1"
    args = ("apply", t.pid, fig.so, "--wait", "0.3") if op == "apply" else ("rollback", t.pid, "--wait", "0.3")
    r = polusgen(*args, env={**fig.env, "POLUS_KILL_AT": point}, check=False)
    v, st = settle(t, fig)
    t.stop()
    return v, r, st


def kill_after(targets, fig: Fig2, op: str, delay: float, sig: int) -> str:
    """The installed command, sent `sig` after `delay` seconds."""
    t = targets.start([fig.exe])
    assert version_now(t) == "v0"
    if op == "rollback":
        polusgen("apply", t.pid, fig.so, "--wait", "0.3", env=fig.env)
    args = ("apply", t.pid, fig.so, "--wait", "0.3") if op == "apply" else ("rollback", t.pid, "--wait", "0.3")
    p = popen(*args, env=fig.env)
    time.sleep(delay)
    p.send_signal(sig)
    p.communicate(timeout=60)
    v, _ = settle(t, fig)
    t.stop()
    return v


class Subject:
    """A running program a campaign kills the injector on: it runs v0 or v1
    of `patch` (built for it); version_now() checks it is wholly one of them
    and that nothing was lost, and the runtime agrees.  A subject of several
    processes (tree: a pre-forked pool, updated with --tree) may answer
    "mixed" after a kill: each of its processes wholly v0 or v1, not all
    the same one yet."""
    pid: int
    patch: Path
    env: dict
    tree = False

    def alive(self) -> bool:
        raise NotImplementedError

    def version_now(self) -> str:
        raise NotImplementedError

    def last_words(self) -> str:
        """How the program ended, if it did (for a failure's message)."""
        return "alive" if self.alive() else "dead"

    def command(self, op: str) -> tuple:
        """The `polusgen` command line of apply or rollback."""
        tree = ("--tree",) if self.tree else ()
        return (("apply", self.pid, self.patch, "--wait", "0", *tree) if op == "apply" else
                ("rollback", self.pid, "--wait", "0", *tree))

    def apply(self) -> None:
        from polusgen.inject.apply import apply_patch
        apply_patch(self.pid, self.patch, wait=0.0)

    def rollback(self) -> None:
        from polusgen.inject.rollback import rollback_patch
        rollback_patch(self.pid, wait=5.0)

    def rolling_back(self) -> bool:
        """A rollback still finishes (its new code runs on in some thread)."""
        from polusgen.inject.status import process_status
        return any(p["state"] == "rolling-back" for p in process_status(self.pid).patches)


class Fig2Subject(Subject):
    def __init__(self, t, fig: Fig2):
        self.t, self.pid, self.patch, self.env = t, t.pid, fig.so, fig.env

    def alive(self) -> bool:
        return self.t.alive()

    def version_now(self) -> str:
        from polusgen.inject.status import process_status

        v = version_now(self.t)
        st = process_status(self.pid)           # the next command: it recovers first
        assert st.version == int(v[1]), (v, st.describe())
        return v


def campaign(subject: Subject, random_kills: int, seed: int, most: float = 1.5,
             steps: tuple[list[str], list[str]] = (APPLY_STEPS, ROLLBACK_STEPS),
             signals: tuple[str, ...] = ("KILL", "TERM"), every_call: bool = True,
             seconds: float = float("inf"), tally: Counter | None = None) -> Counter:
    """`polusgen apply` and `polusgen rollback` killed at every named step
    and (every_call) during every remote call they make (call:1, call:2, ...
    until the command gets through), by each of `signals`, then
    `random_kills` random-delay kills (up to `most` seconds) of the
    installed command, by SIGKILL and SIGTERM in turn.  All of it within
    `seconds`: what does not fit is left out (the tally says what ran).
    After each kill the subject must live, run wholly v0 or v1, have lost
    nothing, and the next command must bring it to a definite version.
    Returns the tally (`tally`, filled as it goes: what ran before a
    failure): (kind of kill, version it left) -> count."""
    tally = Counter() if tally is None else tally
    end = time.monotonic() + seconds

    def bring_to(version: str) -> None:
        for _ in range(50):
            if subject.version_now() == version:
                return
            if version == "v0":
                subject.rollback()
            elif not subject.rolling_back():
                subject.apply()
            else:               # the last rollback is still finishing (status samples it along)
                time.sleep(0.05)
        assert subject.version_now() == version

    def judge(kind: str) -> None:
        assert subject.alive(), f"the target died ({kind}): {subject.last_words()}"
        try:
            v = subject.version_now()
        except Exception as e:
            raise AssertionError(f"after {kind}: {e}; {subject.last_words()}") from e
        tally[(kind, v)] += 1

    def run(op: str, point: str) -> subprocess.CompletedProcess:
        bring_to("v0" if op == "apply" else "v1")
        return polusgen(*subject.command(op), env={**subject.env, "POLUS_KILL_AT": point}, check=False)

    def killed(r: subprocess.CompletedProcess) -> bool:
        """Did the kill point stop the command (not: it got through, done or refused)?"""
        return r.returncode < 0 or "interrupted by SIG" in r.stderr

    for op, points in zip(("apply", "rollback"), steps):
        for sig in signals:
            for step in points:
                if time.monotonic() > end:
                    return tally
                run(op, f"{step}@{sig}")
                judge(f"{op} {step}@{sig}")
            n = 1
            while every_call:           # every remote call of the command, until it gets through
                if time.monotonic() > end:
                    return tally
                r = run(op, f"call:{n}@{sig}")
                judge(f"{op} call:N@{sig}")
                if not killed(r):
                    break
                n += 1
            if every_call:
                tally[(f"{op} remote calls made (with {sig})", "")] = n - 1
    for k, delay in enumerate(random_delays(random_kills, most, seed)):
        if time.monotonic() > end:
            break
        op = ("apply", "rollback")[k % 2]
        sig = (signal.SIGKILL, signal.SIGTERM)[k // 2 % 2]
        bring_to("v0" if op == "apply" else "v1")
        p = popen(*subject.command(op), env=subject.env)
        time.sleep(delay)
        p.send_signal(sig)
        p.communicate(timeout=60)
        judge(f"{op} random {signal.Signals(sig).name}")
    return tally


def kills(tally: Counter) -> int:
    return sum(v for (k, _), v in tally.items() if "remote calls" not in k)


def print_tally(title: str, tally: Counter, seconds: float, failed: bool = False) -> None:
    print(f"\n{title}: {kills(tally)} kills in {seconds:.0f} s, "
          + ("then the failure below" if failed else "0 failures"))
    for (kind, v), n in sorted(tally.items()):
        print(f"  {kind:32} {v:3} {n}")


def random_delays(n: int, most: float, seed: int) -> list[float]:
    rnd = random.Random(seed)
    return [rnd.uniform(0, most) for _ in range(n)]


SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM}


def campaign_size() -> tuple[int, float]:
    """The opt-in campaign's random kills per program (0: only the default
    sample runs) and the seconds they may take at most:
    POLUS_FAULT_CAMPAIGN=N, POLUS_FAULT_CAMPAIGN_SECONDS=S."""
    return (int(os.environ.get("POLUS_FAULT_CAMPAIGN", "0")),
            float(os.environ.get("POLUS_FAULT_CAMPAIGN_SECONDS", "inf")))
