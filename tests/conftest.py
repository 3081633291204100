"""Fixtures shared by every stage's tests."""
from __future__ import annotations

import pytest

from tests.support.process import Target


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
