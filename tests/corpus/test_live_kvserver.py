"""kvserver live-updated v0 -> v1 -> v2 -> v3 -> v4 and rolled back to v0,
under load, with no failed request and no lost state.

The running binary is v0 built with plain gcc -O2 (PIE); every patch of the
chain is built against it with one version file (v2->v3 with the hand-written
user code in corpus/kvserver/patches/).  While each update and the rollback
run, a loopback load (3 connections, SET+GET of its own keys) keeps going,
and from v1 on a second load INCRs one counter (every increment must be
there afterwards).  After each step a fresh connection shows the live
version's behaviour (VERSION, its new commands, its STATS fields), the keys
stored before any update are still there, and the connection opened before
any update still works.

What is true of connections opened before an update: each is served by an
activation of serve_client that is already running (a loop that is never
left), which calls handle_line anew for every line, so v1..v3 (which redirect
handle_line) reach it.  v4 changes serve_client and handle_line's signature:
an old connection keeps the v3 code it runs in (still answering, as v3), only
connections accepted after v4 run v4.  Both are asserted.
"""
from __future__ import annotations

import pytest

from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c
from tests.support.process import eventually

from .client import KVClient, KVCounterScenario, KVScenario, LoadClient
from .harness import ServerProcess, source_dir
from .live import apply_step, build_chain, random_walk, stopped_clean

pytestmark = pytest.mark.e2e

WORKERS = 8     # server threads: 3 load + 1 counter load + the old connection + fresh ones



@pytest.fixture(scope="module")
def chain(corpus_bins, tmp_path_factory):
    return build_chain("kvserver", corpus_bins["kvserver", "v0"], tmp_path_factory.mktemp("kv-chain"))


def fresh(port: int) -> KVClient:
    return KVClient(port)


def check_version(port: int, n: int, before: dict[str, str]) -> None:
    """A connection opened now runs version n, and no key stored before is lost."""
    with fresh(port) as c:
        assert c.cmd("VERSION") == f"kvserver {n}"
        for k, v in before.items():
            assert c.cmd(f"GET {k}") == f"VALUE {v}", k
        stats = c.stats()
        if n == 0:
            assert c.cmd("INCR x") == "ERROR unknown command"
            assert set(stats) == {"requests", "hits", "misses", "items"}
        if n >= 1:
            assert c.cmd(f"INCR incr{n} 2") == "VALUE 2"
            assert c.cmd(f"SET app{n} a") == "STORED"
            assert c.cmd(f"APPEND app{n} b") == "STORED"
            assert c.cmd(f"GET app{n}") == "VALUE ab"
        if n in (1, 2):
            assert {"sets", "dels"} <= set(stats)
        if n == 2:
            assert "connections" in stats
            assert c.cmd("HITS before0") == "HITS 1"      # the GET above, counted by v2's nodes
        if n == 3:
            assert c.cmd("NOPE") == "ERROR unknown command 'NOPE'"
            assert "cmd_set" in stats and "sets" not in stats
        if n == 4:
            assert c.cmd("SET a") == "ERROR wrong number of arguments for 'SET'"
            assert c.cmd("COUNT before") == f"COUNT {len(before)}"
            assert c.cmd("CLIENT").startswith("CLIENT id=")
            assert c.cmd("CLIENTS").startswith("CLIENTS ")
            assert "cmd_count" in stats


def test_chain_under_load_and_rollback(chain, start_server):
    srv = start_server("kvserver", "v0", str(WORKERS))
    port = srv.port
    before = {f"before{i}": f"val{i}" for i in range(5)}
    old = KVClient(port)                 # opened before any update, kept to the end
    loads: list[LoadClient] = []
    counter = None
    try:
        for k, v in before.items():
            assert old.cmd(f"SET {k} {v}") == "STORED"
        requests0 = old.stats()["requests"]
        load = LoadClient(port, KVScenario(prefix="L"), workers=3, count=10**6, seconds=120).start()
        loads.append(load)
        for n in range(1, 5):
            apply_step(chain, n, srv)
            if n == 1:     # INCR exists from now on: every increment must arrive
                counter = LoadClient(port, KVCounterScenario("live-counter"), workers=1, count=10**6,
                                     seconds=120).start()
                loads.append(counter)
            check_version(port, n, before)
            # the connection opened before any update still works
            assert old.cmd("GET before1") == "VALUE val1"
            assert old.cmd("SET old-conn x") == "STORED"
            assert old.cmd("VERSION") == f"kvserver {min(n, 3)}"   # v4: its serve_client is the old one
            assert old.stats()["requests"] > requests0           # counters carried, never reset
        if counter is not None:
            res_counter = counter.stop()
            loads.remove(counter)
            with fresh(port) as c:
                assert c.cmd("GET live-counter") == f"VALUE {res_counter.steps}"
            assert not res_counter.failures, res_counter.failures[:3]
        rb = rollback_patch(srv.pid, to=0, wait=0.2)
        assert rb.version == 0
        assert process_status(srv.pid).version == 0
        check_version(port, 0, before)
        assert old.cmd("GET old-conn") == "VALUE x"
        assert old.cmd("VERSION") == "kvserver 0"
        results = load.stop()
        loads.remove(load)
        assert not results.failures, results.failures[:3]
        assert results.steps > 0
        assert srv.alive(), srv.stderr_text()
        with fresh(port) as c:
            eventually(lambda: c.cmd("VERSION"), lambda v: v == "kvserver 0", pause=0.05)
    finally:
        for ld in loads:
            ld.stop()
        old.close()


@pytest.fixture(scope="module")
def chain_g(tmp_path_factory):
    """v0 built -g and its chain to v3: main's accept loop, where gcc inlined
    queue_push, can move to the new code (issue 13)."""
    out = tmp_path_factory.mktemp("kv-chain-g")
    exe = build_c(sorted(source_dir("kvserver", "v0").glob("*.c")), out / "kvserver", extra=["-g", "-pthread"])
    return build_chain("kvserver", exe, out / "patches", upto=3)


def test_connections_counted_across_v2_and_v3(chain_g):
    """v2 counts connections in a new global (total_connections, in queue_push);
    v3 deletes it for stats.connections, which the hand-written data callback
    (corpus/kvserver/patches/v2-v3.user.c) fills from it, so no connection
    counted before v3 is lost.  gcc inlined queue_push into main's accept
    loop, which never returns: it moves into v2's code at the first accept
    after the v2 patch, out of it into v3's at the first accept after the v3
    patch, and back into v2's code on the rollback to v2."""
    if chain_g.last < 3:
        pytest.skip(f"the chain stops at v{chain_g.last}: {chain_g.errors}")
    srv = ServerProcess(chain_g.binary, "4")
    try:
        opened = 0
        for n in (1, 2):
            apply_step(chain_g, n, srv)
        for _ in range(3):
            with fresh(srv.port) as c:
                opened += 1
                assert c.cmd("VERSION") == "kvserver 2"
        apply_step(chain_g, 3, srv)
        with fresh(srv.port) as c:
            opened += 1
            assert c.stats()["connections"] == opened
        with fresh(srv.port) as c:
            opened += 1
            assert c.stats()["connections"] == opened      # counted by v3's queue_push in the moved loop
        rb = rollback_patch(srv.pid, to=2, wait=0.2)
        assert rb.reached, rb.describe()
        with fresh(srv.port) as c:
            assert c.cmd("VERSION") == "kvserver 2"
            assert c.stats()["connections"] == opened + 1      # carried back into total_connections
        with fresh(srv.port) as c:
            assert c.stats()["connections"] == opened + 2      # v2's queue_push counts in the loop moved back
        assert srv.alive(), srv.stderr_text()
    finally:
        srv.stop()


def server_with_keys(start_server):
    """A v0 kvserver and the keys stored in it before any update."""
    srv = start_server("kvserver", "v0", str(WORKERS))
    before = {f"before{i}": f"val{i}" for i in range(5)}
    with fresh(srv.port) as c:
        for k, v in before.items():
            assert c.cmd(f"SET {k} {v}") == "STORED"
    return srv, before


def test_the_chain_applied_again_after_a_rollback(chain, start_server):
    """v2 changes the hash table's node type: applying it traces the heap and
    pairs every old node with a new one.  Rolled back, those new nodes are
    left behind while the old code runs on and frees what they point to;
    applying v2 again must trace afresh, not pick them up (it did: the server
    died in free() within a second under this load)."""
    if chain.last < 2:
        pytest.skip(f"the chain stops at v{chain.last}")
    srv, before = server_with_keys(start_server)
    load = LoadClient(srv.port, KVScenario(prefix="R"), workers=3, count=10**6, seconds=120).start()
    try:
        for round_ in range(2):
            for n in (1, 2):
                apply_step(chain, n, srv)
            if round_ == 0:
                check_version(srv.port, 2, before)
            else:   # (check_version's INCR and HITS count on from the first round)
                with fresh(srv.port) as c:
                    assert c.cmd("VERSION") == "kvserver 2"
                    assert all(c.cmd(f"GET {k}") == f"VALUE {v}" for k, v in before.items())
                    assert "connections" in c.stats()
            rollback_patch(srv.pid, to=0, wait=0.3)
            assert srv.alive(), srv.stderr_text()
            with fresh(srv.port) as c:
                eventually(lambda: c.cmd("VERSION"), lambda v: v == "kvserver 0", pause=0.05)
                assert all(c.cmd(f"GET {k}") == f"VALUE {v}" for k, v in before.items())
        stopped_clean(load)
        assert srv.alive(), srv.stderr_text()
    finally:
        load.stop()


@pytest.mark.parametrize("seed", [11, 12])
def test_random_applies_and_rollbacks_under_load(chain, start_server, seed):
    """Updates and rollbacks in a random (seeded) order, some landing while
    earlier ones are still pending, under a load that checks every value it
    reads back: nothing fails, nothing is lost, and a fresh connection gets
    the version the runtime says is live."""
    if chain.last < 4:
        pytest.skip(f"the chain stops at v{chain.last}")
    srv, before = server_with_keys(start_server)
    load = LoadClient(srv.port, KVScenario(prefix="W"), workers=3, count=10**6, seconds=120).start()
    try:
        walk = random_walk(chain, srv, seed, steps=16)
        stopped_clean(load, walk)
        live = process_status(srv.pid).version
        with fresh(srv.port) as c:
            assert c.cmd("VERSION") == f"kvserver {live}", walk
            assert all(c.cmd(f"GET {k}") == f"VALUE {v}" for k, v in before.items()), walk
    finally:
        load.stop()
