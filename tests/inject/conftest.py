"""Fixtures of the injector tests: build small C programs with plain gcc -O2
(no frame pointers, no -rdynamic; PIE and non-PIE) and run them, killing every
process a test starts."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import Target, build_c  # noqa: E402


def _ptrace_allowed() -> bool:
    try:
        return int(Path("/proc/sys/kernel/yama/ptrace_scope").read_text().strip()) <= 1 or os.geteuid() == 0
    except OSError:
        return True


needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
needs_ptrace = pytest.mark.skipif(not _ptrace_allowed(), reason="ptrace not allowed here")


@pytest.fixture
def targets():
    """Start processes with targets.start(...); every one is killed afterwards."""
    started: list[Target] = []

    class _Starter:
        def start(self, argv, **kw) -> Target:
            t = Target(argv, **kw)
            started.append(t)
            return t

    try:
        yield _Starter()
    finally:
        for t in started:
            t.stop()


@pytest.fixture(params=["pie", "nopie"])
def pie(request) -> bool:
    return request.param == "pie"


__all__ = ["build_c", "needs_gcc", "needs_ptrace", "subprocess"]
