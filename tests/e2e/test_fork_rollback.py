"""Rollback says the truth, and --tree selects a process with its forked
children (issue 10).

tests/e2e/cases/fork_rollback: a parent forks a child per stdin line; the
child runs child_loop, never left (while (1) ... if (config.quit) return;).
Child A is forked before the update, child B after it: B runs the new
child_loop, so rolling B back cannot finish while it runs -- the rollback
exits non-zero at once and says so (before: "rolled back ... to version 0",
exit 0, then "still rolling back; try again later" for ever).  SIGTERM
sets config.quit; B leaves its loop, the rollback has nothing left to wait
for."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.build import REPO, build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import eventually, sleeping

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "fork_rollback")


def polusgen(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True)


def gone(pid: int) -> bool:
    """Exited (a zombie its parent has not reaped counts)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_rollback_in_a_child_forked_after_the_update(tmp_path, targets):
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    exe = build_c([CASE / "v0" / "forker.c"], tmp_path / "forker")
    r = polusgen("evolve", CASE / "v0", CASE / "v1", "-o", tmp_path, "--binary", exe, "--program", "forker", env=env)
    assert r.returncode == 0, r.stderr
    patch = tmp_path / "forker-v1.so"
    t = targets.start([exe])
    a = int(t.ask())
    try:
        eventually(lambda: sleeping(a), bool)       # in the old child_loop
        r = polusgen("apply", "--tree", t.pid, patch, "--wait", "0.2", env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        assert re.search(rf"^  {t.pid}: updated", r.stdout, re.M) and re.search(rf"^  {a}: updated", r.stdout, re.M)
        b = int(t.ask())
        eventually(lambda: sleeping(b), bool)       # in the new child_loop

        r = polusgen("status", "--tree", t.pid, env=env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("runs version 1") == 3 and "total: 3 process(es), version(s) 1" in r.stdout

        # B runs the new child_loop: the rollback cannot finish, and says so at once
        r = polusgen("rollback", b, "--to", "0", "--wait", "0.3", env=env)
        assert r.returncode != 0, r.stdout
        assert "not finished" in r.stdout and f"child_loop in thread(s) {b}" in r.stdout, r.stdout
        assert "cannot finish while child_loop" in r.stdout and "never left" in r.stdout, r.stdout
        r = polusgen("rollback", b, "--to", "0", env=env)
        assert r.returncode != 0 and "cannot finish while child_loop" in r.stderr, r.stderr
        assert "try again later" not in r.stderr
        # pending: its data is in write-through, and status counts what that costs
        r = polusgen("status", b, "--interval", "0.3", env=env)
        assert "rolling-back" in r.stdout and "cannot finish while child_loop" in r.stdout, r.stdout
        rate = re.search(r"write-through faults now: ([\d,]+) per second", r.stdout)
        assert rate and int(rate.group(1).replace(",", "")) > 0, r.stdout

        # the tree: the parent and A reach v0, B is named with why not
        r = polusgen("rollback", "--tree", t.pid, "--to", "0", "--wait", "0.5", env=env)
        assert r.returncode == 1, r.stdout + r.stderr
        assert re.search(rf"^  {t.pid}: rolled-back", r.stdout, re.M), r.stdout
        assert re.search(rf"^  {a}: rolled-back", r.stdout, re.M), r.stdout
        assert re.search(rf"not on version 0: process {b} \(blocked: .*cannot finish while child_loop", r.stdout)

        os.kill(b, signal.SIGTERM)          # B leaves its loop and exits
        eventually(lambda: gone(b), bool)
        r = polusgen("rollback", "--tree", t.pid, "--to", "0", env=env)
        assert r.returncode == 3 and f"{t.pid}: skipped: runs v0 already" in r.stdout, r.stdout + r.stderr   # nothing to do
        os.kill(a, signal.SIGTERM)          # A (rolled back) still stops on SIGTERM
        eventually(lambda: gone(a), bool)
    finally:
        for pid in (a, locals().get("b")):
            if pid and not gone(pid):
                os.kill(pid, signal.SIGKILL)
