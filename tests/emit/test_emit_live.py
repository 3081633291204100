"""A running kvserver (corpus/kvserver/v0, plain gcc -O2) updated live through
v1, v2, v3 and v4 by patches this emitter wrote, with one version file: each
step answers VERSION with the new number and keeps the data and counters of
the steps before."""
from __future__ import annotations

import os
import socket

import pytest

from polusgen.build import build_patch
from polusgen.diff import compute_changeset
from polusgen.emit import write_patch
from polusgen.frontend import load_program
from tests.corpus.harness import ServerProcess, build
from tests.support.build import needs_ptrace
from tests.support.cases import CORPUS, case
from tests.support.process import polusgen

pytestmark = pytest.mark.e2e
KV = case(CORPUS, "kvserver")


def ask(port: int, cmd: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall((cmd + "\r\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode().strip()


@needs_ptrace
def test_kvserver_chain_applied_live(tmp_path):
    exe = build("kvserver", "v0", tmp_path)
    vf = tmp_path / "kvserver.json"
    progs = [load_program(KV.version(i)) for i in range(5)]
    sos = []
    for i in range(1, 5):
        c = tmp_path / f"kvserver-v{i}.polus.c"
        write_patch(compute_changeset(progs[i - 1], progs[i], binary=exe if i == 1 else None), c,
                    version_file=vf, binary=exe, program="kvserver")
        sos.append(build_patch(c))
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    with ServerProcess(exe) as srv:
        port = srv.port
        assert ask(port, "SET a 1") == "STORED"
        assert ask(port, "VERSION") == "kvserver 0"
        for i, so in enumerate(sos, start=1):
            polusgen("apply", srv.pid, so, "--wait", "0.5", env=env)
            assert ask(port, "VERSION") == f"kvserver {i}"
            assert ask(port, "GET a") == "VALUE 1"                 # data from v0 survives every step
            assert ask(port, "INCR n") == f"VALUE {i}"             # v1's command keeps its state after
            assert srv.alive()
