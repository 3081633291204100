"""A running kvserver (corpus/kvserver/v0, plain gcc -O2) updated live through
v1, v2, v3 and v4 by patches this emitter wrote, with one version file: each
step answers VERSION with the new number and keeps the data and counters of
the steps before."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.e2e
KV = ROOT / "corpus" / "kvserver"


def _ptrace_ok() -> bool:
    try:
        return int(Path("/proc/sys/kernel/yama/ptrace_scope").read_text()) <= 1
    except (OSError, ValueError):
        return True


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


@pytest.mark.skipif(not _ptrace_ok(), reason="ptrace is not permitted here")
def test_kvserver_chain_applied_live(tmp_path):
    pytest.importorskip("polusgen.inject.apply")
    from polusgen.build import build_patch
    from polusgen.diff import compute_changeset
    from polusgen.emit import write_patch
    from polusgen.frontend import load_program

    r = subprocess.run(["make", "-s", "-C", str(ROOT / "corpus"), f"BUILD={tmp_path}", "kvserver-v0"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot build kvserver v0: {r.stderr[-500:]}")
    exe = tmp_path / "kvserver-v0"
    vf = tmp_path / "kvserver.json"
    progs = [load_program(KV / f"v{i}") for i in range(5)]
    sos = []
    for i in range(1, 5):
        c = tmp_path / f"kvserver-v{i}.polus.c"
        write_patch(compute_changeset(progs[i - 1], progs[i], binary=exe if i == 1 else None), c,
                    version_file=vf, binary=exe, program="kvserver")
        sos.append(build_patch(c))
    env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([str(exe), "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().split()[-1])
        assert ask(port, "SET a 1") == "STORED"
        assert ask(port, "VERSION") == "kvserver 0"
        for i, so in enumerate(sos, start=1):
            r = subprocess.run([sys.executable, "-m", "polusgen", "apply", str(proc.pid), str(so), "--wait", "0.5"],
                               capture_output=True, text=True, env=env, cwd=ROOT)
            assert r.returncode == 0, r.stdout + r.stderr
            assert ask(port, "VERSION") == f"kvserver {i}"
            assert ask(port, "GET a") == "VALUE 1"                 # data from v0 survives every step
            assert ask(port, "INCR n") == f"VALUE {i}"             # v1's command keeps its state after
            assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
