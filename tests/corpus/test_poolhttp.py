"""poolhttp, every release on its own: its routes, the pool (children
replaced after MAX-REQUESTS connections), SIGTERM stopping the master and
its children."""
from __future__ import annotations

import os
import re
import signal

import pytest

from tests.support.process import eventually

from .client import http_get
from .harness import versions

VERSIONS = versions("poolhttp")


@pytest.mark.parametrize("version", VERSIONS)
def test_release(start_server, version):
    n = int(version[1:])
    srv = start_server("poolhttp", version, "2", "5")
    pids = set()
    for i in range(16):
        r = http_get(srv.port, "/")
        m = re.fullmatch(rf"poolhttp {n} pid (\d+) served (\d+)\n", r.body)
        assert r.code == 200 and m, r.body
        assert int(m.group(2)) < 5
        pids.add(int(m.group(1)))
    assert len(pids) > 2, pids          # 16 connections, 5 per child: children were replaced
    assert http_get(srv.port, "/version").body == f"poolhttp {n}\n"
    assert http_get(srv.port, "/nothing").code == 404
    assert (http_get(srv.port, "/stats").code == 200) == (n >= 1)
    if n >= 1:
        assert re.fullmatch(r"served \d+ spawned \d+( bytes \d+)?\n", http_get(srv.port, "/stats").body)
    echo = http_get(srv.port, "/echo/abc")
    assert (echo.code, echo.body) == ((200, "abc\n") if n >= 2 else (404, "not found\n"))
    assert ("server" in echo.headers) == (n >= 2)
    assert (http_get(srv.port, "/health").code == 200) == (n >= 3)
    os.kill(srv.pid, signal.SIGTERM)
    eventually(srv.proc.poll, lambda rc: rc is not None, timeout=20, what="SIGTERM to stop the master")
    assert srv.proc.returncode == 0
    eventually(lambda: [p for p in pids if os.path.exists(f"/proc/{p}")], lambda left: not left, timeout=20,
               what="the children to exit")
