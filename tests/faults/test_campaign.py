"""The opt-in fault-injection campaign (POLUS_FAULT_CAMPAIGN=N): one Fig. 2
process, and against it `polusgen apply` and `polusgen rollback` killed
during every remote call they make (call:1, call:2, ... until the command
gets through), at every named step, by SIGKILL and by SIGTERM, then N
random-delay kills of the command.  After each kill the process must live,
run wholly v0 or v1, have lost no write, and the next command (status, in
process) must bring it to a definite version.  Prints the tally.

    POLUS_FAULT_CAMPAIGN=200 python3 -m pytest -q -s tests/faults/test_campaign.py
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter

import pytest

from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import APPLY_STEPS, ROLLBACK_STEPS, build_fig2, popen, random_delays, version_now
from tests.support.process import polusgen
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status

RANDOM = int(os.environ.get("POLUS_FAULT_CAMPAIGN", "0"))
pytestmark = [needs_gcc, needs_ptrace,
              pytest.mark.skipif(not RANDOM, reason="opt-in: set POLUS_FAULT_CAMPAIGN=<random kills>")]


def test_campaign(tmp_path, targets):
    fig = build_fig2(tmp_path)
    t = targets.start([fig.exe])
    tally: Counter = Counter()

    def bring_to(version: str) -> None:
        for _ in range(50):
            if version_now(t) == version:
                return
            if version == "v0":
                rollback_patch(t.pid, wait=5.0)
            elif all(p["state"] != "rolling-back" for p in process_status(t.pid).patches):
                apply_patch(t.pid, fig.so, wait=0.0)
            else:               # the last rollback is still finishing (status samples it along)
                time.sleep(0.05)
        assert version_now(t) == version

    def judge(kind: str) -> None:
        """What the kill left: alive, wholly one version, nothing lost, and
        the next command says the same version."""
        assert t.alive(), f"the target died ({kind})"
        v = version_now(t)
        st = process_status(t.pid)
        assert st.version == int(v[1]), (kind, v, st.describe())
        tally[(kind, v)] += 1

    def run(op: str, env_point: str | None) -> subprocess.CompletedProcess:
        bring_to("v0" if op == "apply" else "v1")
        args = ("apply", t.pid, fig.so, "--wait", "0") if op == "apply" else ("rollback", t.pid, "--wait", "0")
        env = {**fig.env, "POLUS_KILL_AT": env_point} if env_point else fig.env
        return polusgen(*args, env=env, check=False)

    t0 = time.monotonic()
    for op, steps in (("apply", APPLY_STEPS), ("rollback", ROLLBACK_STEPS)):
        for sig in ("KILL", "TERM"):
            for step in steps:
                run(op, f"{step}@{sig}")
                judge(f"{op} {step}@{sig}")
            n = 1
            while True:                 # every remote call of the command, until it gets through
                r = run(op, f"call:{n}@{sig}")
                judge(f"{op} call:N@{sig}")
                if r.returncode == 0:
                    break
                n += 1
            tally[(f"{op} remote calls made (with {sig})", "")] = n - 1
    for k, delay in enumerate(random_delays(RANDOM, 1.5, seed=11)):
        op = ("apply", "rollback")[k % 2]
        sig = (signal.SIGKILL, signal.SIGTERM)[k // 2 % 2]
        bring_to("v0" if op == "apply" else "v1")
        args = ("apply", t.pid, fig.so, "--wait", "0") if op == "apply" else ("rollback", t.pid, "--wait", "0")
        p = popen(*args, env=fig.env)
        time.sleep(delay)
        p.send_signal(sig)
        p.communicate(timeout=60)
        judge(f"{op} random {signal.Signals(sig).name}")
    kills = sum(v for (k, _), v in tally.items() if "remote calls" not in k)
    print(f"\nfault campaign: {kills} kills in {time.monotonic() - t0:.0f} s, 0 failures")
    for (kind, v), n in sorted(tally.items()):
        print(f"  {kind:32} {v:3} {n}")
