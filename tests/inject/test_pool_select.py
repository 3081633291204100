"""Selecting many processes (polusgen/inject/pool.py): a process tree keeps
the descendants that run the same binary; an executable's path selects the
processes running that file, and names those running another build that was
at that path before (a different build-id)."""
from __future__ import annotations

import os
import signal

import pytest

from tests.support.build import build_c, needs_gcc
from tests.support.cases import E2E
from polusgen.errors import InjectError
from polusgen.inject.pool import process_tree, processes_of

pytestmark = needs_gcc
FORKER = E2E / "fork_rollback" / "v0" / "forker.c"


def test_tree_and_executable(tmp_path, targets):
    exe = build_c([FORKER], tmp_path / "forker")
    first = targets.start([exe])
    kids = [int(first.ask()), int(first.ask())]
    try:
        sel = process_tree(first.pid)
        assert sel.pids[0] == first.pid and sorted(sel.pids[1:]) == sorted(kids)
        assert set(processes_of(str(exe)).pids) == {first.pid, *kids}
        # the same build put at the path again is the same executable (same build-id)
        same = build_c([FORKER], tmp_path / "forker.same")
        os.replace(same, exe)
        assert set(processes_of(str(exe)).pids) == {first.pid, *kids}
        # another build replaces it: the running processes are another build now
        other = build_c([FORKER], tmp_path / "forker.new", extra=["-O1"])
        os.replace(other, exe)
        with pytest.raises(InjectError, match=r"no process runs .*\(3 run\(s\) another build of it\)"):
            processes_of(str(exe))
        second = targets.start([exe])
        sel = processes_of(str(exe))
        assert sel.pids == [second.pid]
        assert set(sel.others) == {first.pid, *kids}
        assert "another build" in sel.others[first.pid] and "build-id" in sel.others[first.pid]
        # the tree of the first process is still found by its own binary
        assert sorted(process_tree(first.pid).pids) == sorted([first.pid, *kids])
    finally:
        for k in kids:
            os.kill(k, signal.SIGKILL)
    with pytest.raises(InjectError, match="neither a process id nor an executable"):
        from polusgen.inject.pool import selector
        selector(str(tmp_path / "nothing"), False)


def test_a_process_that_exits_while_it_fails_is_reported_exited_not_failed():
    """A pool child replaced while the operation reaches it fails with "no
    process" a moment before /proc lets it go: once it has gone, it is
    "exited" (nothing left to update), not a process that missed the version."""
    import subprocess

    from polusgen.inject.pool import Outcome, PoolResult, _settle_exits

    leaving = subprocess.Popen(["sleep", "0.1"])
    staying = subprocess.Popen(["sleep", "30"])
    try:
        res = PoolResult("rollback", "test", 0)
        res.outcomes[leaving.pid] = Outcome(leaving.pid, "failed", f"no process {leaving.pid}")
        res.outcomes[staying.pid] = Outcome(staying.pid, "failed", "ptrace refused")
        _settle_exits(res, grace=5.0)
        assert res.outcomes[leaving.pid].state == "exited"
        assert res.outcomes[staying.pid].state == "failed"          # alive: a real miss, still reported
        assert [o.pid for o in res.missed] == [staying.pid]
    finally:
        staying.kill()
        staying.wait()
        leaving.wait()
