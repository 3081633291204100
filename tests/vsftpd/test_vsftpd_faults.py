"""The injector killed while it updates a live vsftpd (issue 11 on the
paper's case study): a 2.0.0 listener under the study's client load (each
client logs in, downloads a text file and a 1 MiB binary one, compares
every byte, quits, again and again) is updated to 2.0.1 and rolled back
while `polusgen apply` and `polusgen rollback` are killed at their named
steps, inside their remote calls and after random delays, by SIGKILL and
SIGTERM (tests/support/faults.py: campaign).  After each kill the listener
must live; fresh sessions must greet as one release, 2.0.0 or 2.0.1, print
it in STAT (post-login code) and answer the probes (vsftpd_study.PROBES)
exactly as a started binary of that release; no client
session may have failed or got a wrong byte; and the next command
(status, in process) must agree and bring it to a definite version.  The
config caps sessions in all and per address (max_clients, max_per_ip):
counts the listener keeps in its own memory, so a session count it lost
or corrupted would turn into refused sessions.  (Not probed here: the
empty PASS that 2.0.1 fixed in the two-process model, because each such
session of 2.0.0 stays behind for ever, its privileged half blocked
reading its socket: 37 of 60 left, no injector anywhere, and the cap
refused sessions after 38 kills.)

Only the listener is updated and judged, not its process tree: a session
is a child the listener forks for one client (it calls setsid and, in the
two-process model, forks its own helper), lives for one login and finishes
in the code it was forked with, as in the study; a fresh session is forked
from the listener, so it shows what the listener runs.  The sessions that
were running across each kill are judged by the client load (every one of
them must complete, byte for byte).

Needs POLUS_VSFTPD_DIR and POLUS_VSFTPD_BUILD (skipped otherwise), root, and
the `ftp` and `nobody` users.  By default a sample (kill points inside the
switch and two random-delay kills, SIGKILL, in each process model);
POLUS_FAULT_CAMPAIGN=N runs the campaign: every named step and every remote
call of both commands by SIGKILL and by SIGTERM, then N random-delay kills,
as many as POLUS_FAULT_CAMPAIGN_SECONDS allow.  POLUS_VSFTPD_FAULT_STEP=2.0.2
kills the injector on another step of the chain (2.0.2 -> 2.0.3: the steps
before it are applied first, without kills).

    POLUS_FAULT_CAMPAIGN=1000 POLUS_FAULT_CAMPAIGN_SECONDS=2400 nice -n 10 \\
        python3 -m pytest -q -s tests/vsftpd/test_vsftpd_faults.py -k one-process
"""
from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from polusgen.inject.apply import apply_patch
from polusgen.inject.status import process_status
from tests.support.faults import Subject, campaign, campaign_size, print_tally

from . import vsftpd_study as vs
from .test_vsftpd_live import BUILD, REL, _need

RANDOM, SECONDS = campaign_size()
OLD = os.environ.get("POLUS_VSFTPD_FAULT_STEP", vs.CHAIN[0])
PATIENCE = 30.0         # seconds a client waits for any answer (this shared 2-core VM stalls at times)
LIMITS = ("max_clients=40", "max_per_ip=40")
pytestmark = [pytest.mark.vsftpd, pytest.mark.e2e,
              pytest.mark.skipif(not REL or not BUILD, reason="POLUS_VSFTPD_DIR and POLUS_VSFTPD_BUILD are not set")]


class VsftpdSubject(Subject):
    """A listener of the chain's first release with every patch of `steps`
    but the last applied (no kills): v0 is the last step's old release, v1
    its new one."""

    def __init__(self, steps, mode: str, tmp_path):
        self.releases = (steps[-1].old, steps[-1].new)
        self.patch = steps[-1].patch_so
        self.base = len(steps) - 1              # the runtime's version for v0
        self.env = {**os.environ, "POLUS_CACHE_DIR": str(self.patch.parent / "cache")}
        self.ref = vs.reference_probes(BUILD, self.releases, tmp_path / "ref", vs.MODES[mode] + LIMITS)
        self.files = vs.make_root(tmp_path / "root")
        port = vs.free_port()
        conf = vs.write_config(tmp_path / "vsftpd.conf", port, tmp_path / "root", tmp_path / "empty",
                               vs.MODES[mode] + LIMITS)
        self.srv = vs.Vsftpd(vs.binary(steps[0].old), conf, port, tmp_path / "vsftpd.log")
        self.pid, self.port = self.srv.pid, port
        for s in steps[:-1]:
            apply_patch(self.pid, s.patch_so, wait=0.5)
        self.load = vs.ClientLoad(port, self.files, threads=2, max_sessions=10**9, max_seconds=10**6,
                                  timeout=PATIENCE).start()

    def stop(self) -> None:
        try:
            self.load.stop()
            assert self.load.ok > 0 and not self.load.failures, self.load.failures[:3]
        finally:
            self.srv.stop()

    def alive(self) -> bool:
        return self.srv.alive()

    def last_words(self) -> str:
        return "the listener lives" if self.alive() else f"the listener ended: {self.srv.log.read_text()[-2000:]!r}"

    def version_now(self) -> str:
        greeted = {vs.ftp_session(self.port, {}, PATIENCE) for _ in range(2)}
        assert len(greeted) == 1, f"fresh sessions greet as {greeted} at once"
        release = greeted.pop()
        assert release in self.releases, release
        assert vs.stat_version(self.port, PATIENCE) == release
        assert vs.probe_diff(vs.probe(self.port, PATIENCE), self.ref[release]) == {}, release
        assert not self.load.failures, self.load.failures[:3]
        v = self.releases.index(release)
        st = process_status(self.pid)           # the next command: it recovers first
        assert st.version == self.base + v, (release, st.describe())
        return f"v{v}"


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """The chain's patches up to the one from release OLD, built once."""
    _need()
    versions = vs.CHAIN[:vs.CHAIN.index(OLD) + 2]
    missing = [str(vs.binary(v)) for v in versions[-2:] if not vs.binary(v).is_file()]
    if missing:
        pytest.skip(f"no {', '.join(missing)} to compare the answers with")
    return vs.build_chain(REL, vs.binary(versions[0]), tmp_path_factory.mktemp("vsftpd-chain"), versions)


@pytest.mark.parametrize("mode", list(vs.MODES))
def test_kills_of_the_injector_under_client_load(steps, mode, tmp_path):
    s = VsftpdSubject(steps, mode, tmp_path)
    title = f"fault campaign (vsftpd {steps[-1].old} -> {steps[-1].new}, {mode} model)"
    tally: Counter = Counter()
    t0 = time.monotonic()
    try:
        if RANDOM:
            campaign(s, RANDOM, seed=23, seconds=SECONDS, tally=tally)
        else:
            campaign(s, 2, seed=23, steps=(["register", "in-commit"], ["in-rollback"]), signals=("KILL",),
                     every_call=False, tally=tally)
        assert s.alive()
    except BaseException:
        print_tally(title, tally, time.monotonic() - t0, failed=True)
        raise
    finally:
        s.stop()
    print_tally(title, tally, time.monotonic() - t0)
    print(f"  client sessions: {s.load.ok} completed byte for byte, {len(s.load.failures)} failed; "
          f"greetings {s.load.banners}")
