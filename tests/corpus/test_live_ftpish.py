"""ftpish live-updated v0 -> v1 -> v2 -> v3 -> v4 and rolled back to v0,
under load, with no failed session.

ftpish forks one process per session; polusgen updates the process it is
given, the listener.  What is therefore true, and asserted here:
- a session forked after an update is a copy of the updated listener and
  runs the new code (greeting, new commands, STAT fields);
- a session already open keeps running the code it was forked with (it is
  another process, not updated): it goes on working, with its old behaviour;
- the listener's own state carries over: its count of open sessions (STAT's
  sessions= from v1 on counts the old session and the long one of the load),
  and it goes on reaping and serving.
The hand-written v2->v3 converter of struct ftp_session
(corpus/ftpish/patches/v2-v3.user.c) updates the listener's copy of
`session`, which the listener itself never uses: sessions in progress are in
other processes, which are not updated.

The running binary is v0 built with plain gcc -O2 (PIE); the chain of
patches is built against it with one version file.  Two loads run during
every update and the rollback: two workers opening a whole session per step
(each forked by the listener as it is at that moment) and one long session.
"""
from __future__ import annotations

import re

import pytest

from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.process import eventually

from .client import FTPClient, FTPScenario, LoadClient
from .live import apply_step, build_chain, random_walk, stopped_clean

pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def chain(corpus_bins, tmp_path_factory):
    return build_chain("ftpish", corpus_bins["ftpish", "v0"], tmp_path_factory.mktemp("ftp-chain"))


def session(port: int) -> tuple[FTPClient, str]:
    c = FTPClient(port)
    greeting = c.read_reply()
    assert greeting.code == 220, greeting.lines
    return c, greeting.text


def check_fresh(port: int, n: int) -> None:
    """A session opened now is forked from the listener as it is: version n."""
    c, greeting = session(port)
    with c:
        assert greeting == f"ftpish {n} ready"
        c.login()
        assert c.retr("hello.txt") == b"hello\n"
        assert c.expect("CWD sub", 250)
        assert c.retr("inner.txt") == b"inner\n"
        if n == 0:
            assert c.cmd("SIZE inner.txt").code == 500
            assert c.cmd("STAT").code == 500
        if n >= 1:
            assert c.expect("SIZE inner.txt", 213).text == "6"
            stat = c.expect("STAT", 211).text
            assert stat.startswith(f"ftpish {n}: ")
            m = re.search(r"sessions=(\d+)", stat)
            # the listener's count, carried over: the old session, the load's long one, this one
            assert m and int(m.group(1)) >= 3, stat
            assert ("session=" in stat) == (n >= 2), stat
        if n < 3:
            assert c.cmd("HELP").code == 500
        if n >= 3:
            assert c.expect("HELP", 214).lines[0].startswith("214-")
            assert c.expect("CDUP", 250)
            assert c.expect("PWD", 257).text.startswith('"/"')
        if n >= 4:
            assert c.expect("FEAT", 211).lines[0].startswith("211-")
            assert re.fullmatch(r"\d{14}", c.expect("MDTM hello.txt", 213).text)
            assert any(line.startswith("drwxr-xr-x") or line.startswith("-") or "hello.txt" in line
                       for line in c.list("/"))
        c.expect("QUIT", 221)


def check_old(c: FTPClient) -> None:
    """The session forked before any update: still served, by v0's code."""
    assert c.expect("PWD", 257)
    assert c.retr("hello.txt") == b"hello\n"
    assert c.cmd("STAT").code == 500          # v0 has no STAT
    assert c.expect("NOOP", 200)


# session-per-request once corrupted the listener's heap in half the runs:
# its SIGCHLD handler wrote a protected page while our SIGSEGV handler ran
# (a nested fault with SIGSEGV blocked kills); see tests/e2e/test_signals.py
@pytest.mark.parametrize("per_request", [False, True], ids=["long-sessions", "session-per-request"])
def test_chain_under_load_and_rollback(chain, start_server, root, per_request):
    """Long sessions: the load's sessions are open across every update (old
    processes); session per request: the load also opens a whole session per
    step, so the listener forks while it is being updated."""
    srv = start_server("ftpish", "v0", str(root))
    port = srv.port
    old, greeting = session(port)
    assert greeting == "ftpish 0 ready"
    old.login()
    loads = []
    try:
        long_ = LoadClient(port, FTPScenario("hello.txt", b"hello\n", persistent=True), workers=1,
                           count=10**6, seconds=120).start()
        loads.append(long_)
        short = None
        if per_request:
            short = LoadClient(port, FTPScenario("hello.txt", b"hello\n"), workers=2, count=10**6,
                               seconds=120).start()
            loads.append(short)
        check_fresh(port, 0)
        for n in range(1, 5):
            apply_step(chain, n, srv)
            check_fresh(port, n)
            check_old(old)
        if short is not None:   # the load's sessions reach v4 too (asserted below), before the rollback
            eventually(short.versions_so_far, lambda v: "ftpish 4 ready" in v, timeout=60,
                       what="a load session greeted by v4")
        rb = rollback_patch(srv.pid, to=0, wait=0.2)
        assert rb.version == 0
        assert srv.alive(), srv.stderr_text()
        assert process_status(srv.pid).version == 0
        check_fresh(port, 0)
        check_old(old)
        for ld in [x for x in (short, long_) if x is not None]:
            results = ld.stop()
            loads.remove(ld)
            assert not results.failures, results.failures[:3]
            assert results.steps > 0
        # the long session was forked from v0 and stayed in it; the short ones saw every version
        assert long_.stop().versions == {"ftpish 0 ready"}
        if short is not None:
            assert {"ftpish 0 ready", "ftpish 4 ready"} <= short.stop().versions
        assert srv.alive(), srv.stderr_text()
    finally:
        for ld in loads:
            ld.stop()
        old.close()


@pytest.mark.parametrize("upto", [1, 4], ids=["to-v1", "to-v4"])
def test_session_limit_after_each_update(chain, start_server, root, tmp_path, upto):
    """The listener's refusal and reaping, live-updated: with max_sessions = 2,
    a third connection gets 421 after every update and the rollback, and once
    the sessions end (reaped on SIGCHLD) new ones are served again.  The
    refusal is code gcc inlined into main's accept loop (never left): from v2
    on it calls the old reply(fd, code, text) through the hand-written stub of
    corpus/ftpish/patches/v1-v2.user.c."""
    conf = tmp_path / "ftpish.conf"
    conf.write_text("max_sessions = 2\n")
    srv = start_server("ftpish", "v0", str(root), str(conf))

    def check(n: int) -> None:
        try:
            check_limit(n)
        except OSError as e:
            rc = srv.proc.poll()
            errors = "|".join(line for line in srv.stderr_text().splitlines() if not line.startswith("accept"))
            pytest.fail(f"v{n}: {e}; listener exit status {rc}, stderr {errors[-300:]!r}")

    def check_limit(n: int) -> None:
        a, ga = session(srv.port)
        b, gb = session(srv.port)
        with a, b:
            assert ga == gb == f"ftpish {n} ready"
            with FTPClient(srv.port) as c:
                refused = c.read_reply()
                assert (refused.code, refused.text) == (421, "There are too many connected users, please try later.")
            a.expect("QUIT", 221)
        # both sessions end and are reaped: a new one is served
        def served() -> bool:
            with FTPClient(srv.port) as c:
                return c.read_reply().lines[0] == f"220 ftpish {n} ready"
        eventually(served, bool, pause=0.05, what="the listener reaping its sessions")

    check(0)
    last = min(upto, chain.last)
    for n in range(1, last + 1):
        apply_step(chain, n, srv)
        check(n)
    if last:
        rollback_patch(srv.pid, to=0, wait=0.2)
        assert process_status(srv.pid).version == 0
        check(0)


@pytest.mark.parametrize("seed", [21, 22])
def test_random_applies_and_rollbacks_under_load(chain, start_server, root, seed):
    """Updates and rollbacks in a random (seeded) order, some landing while
    earlier ones are still pending, while clients open a whole session per
    request (the listener forks all along): no session fails, and a new one
    is greeted by the version the runtime says is live."""
    if chain.last < 4:
        pytest.skip(f"the chain stops at v{chain.last}")
    srv = start_server("ftpish", "v0", str(root))
    load = LoadClient(srv.port, FTPScenario("hello.txt", b"hello\n"), workers=2, count=10**6,
                      seconds=120).start()
    try:
        walk = random_walk(chain, srv, seed, steps=16)
        stopped_clean(load, walk)
        live = process_status(srv.pid).version
        c, greeting = session(srv.port)
        assert greeting == f"ftpish {live} ready", walk
        c.close()
    finally:
        load.stop()
