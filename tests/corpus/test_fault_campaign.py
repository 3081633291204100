"""The injector killed while it updates the corpus servers under load:
kvserver (threads, one per connection) and ftpish (a listener that forks a
process per session), each a long-lived v0 process updated to v1 and back
while clients keep working.  After each kill the server must live, answer
wholly as v0 or as v1 on fresh connections (VERSION; the FTP greeting),
have failed no client request and lost no stored value (a key written
before each kill reads back after it), and the next command (status, in
process) must agree and bring it to a definite version.

By default a sample (the kill points inside the switch, SIGKILL, and two
random-delay kills per server); POLUS_FAULT_CAMPAIGN=N runs the campaign:
every named step and every remote call of apply and of rollback, by
SIGKILL and by SIGTERM, then N random-delay kills per server (figures in
the README).

    POLUS_FAULT_CAMPAIGN=300 nice -n 10 python3 -m pytest -q -s tests/corpus/test_fault_campaign.py
"""
from __future__ import annotations

import os
import time

import pytest

from polusgen.inject.status import process_status
from .client import FTPClient, FTPScenario, KVClient, KVScenario, LoadClient
from .harness import ServerProcess, ftp_root
from .live import build_chain
from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import Subject, campaign, print_tally

RANDOM = int(os.environ.get("POLUS_FAULT_CAMPAIGN", "0"))
PATIENCE = 30.0
pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


class ServerSubject(Subject):
    """A corpus server under a load of `workers` clients."""

    def __init__(self, server: str, bins, tmp_path, scenario, workers: int, *args: str):
        chain = build_chain(server, bins[server, "v0"], tmp_path / "chain", upto=1)
        assert 1 in chain.patches, chain.errors
        self.server, self.patch = server, chain.patches[1]
        self.env = {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}
        self.srv = ServerProcess(bins[server, "v0"], *args)
        self.pid, self.port = self.srv.pid, self.srv.port
        # a request fails if it gets a wrong answer or none within PATIENCE
        # seconds (this 2-core VM, shared, stalls for several seconds at times)
        self.load = LoadClient(self.port, scenario, workers=workers, count=10**9, seconds=3600,
                               timeout=PATIENCE).start()

    def stop(self) -> None:
        try:
            results = self.load.stop()
            assert results.steps > 0 and not results.failures, results.failures[:3]
        finally:
            self.srv.stop()

    def alive(self) -> bool:
        return self.srv.alive()

    def fresh_version(self) -> str:
        raise NotImplementedError

    def no_loss(self) -> None:
        """Nothing the server was told before is lost."""

    def version_now(self) -> str:
        seen = {self.fresh_version() for _ in range(2)}
        assert len(seen) == 1, f"{self.server} answers as {seen} at once"
        v = seen.pop()
        assert not self.load.failures_so_far(), self.load.failures_so_far()[:3]
        self.no_loss()
        st = process_status(self.pid)           # the next command: it recovers first
        assert st.version == int(v[1]), (v, st.describe())
        return v


class KVSubject(ServerSubject):
    def __init__(self, bins, tmp_path):
        # two load connections of kvserver's four worker threads; probes take a third
        super().__init__("kvserver", bins, tmp_path, KVScenario(), 2)
        self.written = 0

    def fresh_version(self) -> str:
        with KVClient(self.port, PATIENCE) as c:
            return {"kvserver 0": "v0", "kvserver 1": "v1"}[c.cmd("VERSION")]

    def no_loss(self) -> None:
        with KVClient(self.port, PATIENCE) as c:
            if self.written:
                got = c.cmd(f"GET campaign-{self.written}")
                assert got == f"VALUE {self.written}", (self.written, got)
            self.written += 1
            assert c.cmd(f"SET campaign-{self.written} {self.written}") == "STORED"


class FTPSubject(ServerSubject):
    def __init__(self, bins, tmp_path):
        # a whole session per step: the listener forks all along
        super().__init__("ftpish", bins, tmp_path, FTPScenario("hello.txt", b"hello\n"), 2,
                         str(ftp_root(tmp_path / "root")))

    def fresh_version(self) -> str:
        with FTPClient(self.port, PATIENCE) as c:
            greeting = c.read_reply()
            c.expect("QUIT", 221)
        return {"ftpish 0 ready": "v0", "ftpish 1 ready": "v1"}[greeting.text]


SUBJECTS = {"kvserver": KVSubject, "ftpish": FTPSubject}


@pytest.mark.parametrize("server", sorted(SUBJECTS))
def test_kills_inside_the_switch_and_at_random(server, corpus_bins, tmp_path):
    s = SUBJECTS[server](corpus_bins, tmp_path)
    try:
        t0 = time.monotonic()
        if RANDOM:
            tally = campaign(s, RANDOM, seed=17)
        else:
            tally = campaign(s, 2, seed=17, steps=(["parking", "in-commit"], ["in-rollback"]), signals=("KILL",),
                             every_call=False)
        print_tally(f"fault campaign ({server})", tally, time.monotonic() - t0)
        assert s.alive()
    finally:
        s.stop()
