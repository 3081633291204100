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


def random_delays(n: int, most: float, seed: int) -> list[float]:
    rnd = random.Random(seed)
    return [rnd.uniform(0, most) for _ in range(n)]


SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM}
