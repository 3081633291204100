"""Every kvserver version, built and run on its own: each command of that
version, its error replies, its STATS fields, and state shared by clients."""
from __future__ import annotations

import pytest

from tests.support.process import eventually

from .client import KVClient, KVScenario, LoadClient
from .client import ProtocolError
from .harness import versions

VERSIONS = versions("kvserver")
ALL_COMMANDS = ["SET", "GET", "DEL", "STATS", "VERSION", "QUIT", "INCR", "APPEND",
                "HITS", "COUNT", "CLIENT", "CLIENTS"]
# the commands each version adds
NEW_COMMANDS = {0: ["SET", "GET", "DEL", "STATS", "VERSION", "QUIT"],
                1: ["INCR", "APPEND"], 2: ["HITS"], 3: [], 4: ["COUNT", "CLIENT", "CLIENTS"]}
STATS_FIELDS = {
    0: ["requests", "hits", "misses", "items"],
    1: ["requests", "hits", "misses", "sets", "dels", "items"],
    2: ["requests", "hits", "misses", "sets", "dels", "items", "connections"],
    3: ["requests", "hits", "misses", "items", "connections",
        "cmd_set", "cmd_get", "cmd_del", "cmd_incr", "cmd_append", "cmd_hits"],
    4: ["requests", "hits", "misses", "items", "connections",
        "cmd_set", "cmd_get", "cmd_del", "cmd_incr", "cmd_append", "cmd_hits", "cmd_count"],
}
MAX_KEY = {0: None, 1: 64, 2: 250, 3: 250, 4: 250}


def num(version: str) -> int:
    return int(version[1:])


def commands_of(n: int) -> list[str]:
    return [c for k in range(n + 1) for c in NEW_COMMANDS[k]]


def usage_error(n: int, usage: str) -> str:
    if n >= 4:
        return f"ERROR wrong number of arguments for '{usage.split()[0]}'"
    return f"ERROR usage: {usage}"


@pytest.fixture(params=VERSIONS)
def n(request):
    """The version number."""
    return num(request.param)


@pytest.fixture
def kv(n, start_server):
    """(version number, a running server of that version)."""
    return n, start_server("kvserver", f"v{n}")


def test_every_version_is_covered():
    assert VERSIONS == [f"v{n}" for n in range(len(NEW_COMMANDS))]


def test_version_set_get_del(kv):
    n, srv = kv
    with KVClient(srv.port) as c:
        assert c.cmd("VERSION") == f"kvserver {n}"
        assert c.cmd("GET greeting") == "NOT_FOUND"
        assert c.cmd("SET greeting hello  big world") == "STORED"
        assert c.cmd("GET greeting") == "VALUE hello  big world"
        assert c.cmd("set greeting again") == "STORED"        # verbs ignore case
        assert c.cmd("get greeting") == "VALUE again"
        assert c.cmd("DEL greeting") == "DELETED"
        assert c.cmd("DEL greeting") == "NOT_FOUND"
        assert c.cmd("GET greeting") == "NOT_FOUND"
        assert c.cmd("QUIT") == "BYE"
        assert c.at_eof()


def test_state_is_shared_between_connections(kv):
    _, srv = kv
    with KVClient(srv.port) as a, KVClient(srv.port) as b:
        assert a.cmd("SET shared 1") == "STORED"
        assert b.cmd("GET shared") == "VALUE 1"
        assert b.cmd("DEL shared") == "DELETED"
        assert a.cmd("GET shared") == "NOT_FOUND"


def test_error_replies(kv):
    n, srv = kv
    with KVClient(srv.port) as c:
        unknown = "ERROR unknown command 'FROB'" if n >= 3 else "ERROR unknown command"
        assert c.cmd("FROB x") == unknown
        assert c.cmd("") == "ERROR empty command"
        assert c.cmd("SET onlykey") == usage_error(n, "SET key value")
        assert c.cmd("GET") == usage_error(n, "GET key")
        assert c.cmd("GET a b") == usage_error(n, "GET key")
        assert c.cmd("DEL") == usage_error(n, "DEL key")
        assert c.cmd("VERSION") == f"kvserver {n}"      # still served after errors
    with KVClient(srv.port) as c:
        c.send("SET long " + "x" * 2000)
        assert c.readline() == "ERROR line too long"
        assert c.at_eof()


def test_commands_of_later_versions_are_unknown(kv):
    n, srv = kv
    later = [cmd for cmd in ALL_COMMANDS if cmd not in commands_of(n)]
    with KVClient(srv.port) as c:
        for cmd in later:
            assert c.cmd(f"{cmd} k v").startswith("ERROR unknown command"), cmd


def test_stats_fields_and_counts(kv):
    n, srv = kv
    with KVClient(srv.port) as c:
        c.cmd("SET a 1")
        c.cmd("SET b 2")
        c.cmd("GET a")
        c.cmd("GET nope")
        c.cmd("DEL b")
        reply = c.cmd("STATS")
        assert [f.split("=")[0] for f in reply.split()[1:]] == STATS_FIELDS[n]
        stats = c.stats()
    assert stats["requests"] == 7          # the two STATS included
    assert (stats["hits"], stats["misses"], stats["items"]) == (1, 1, 1)
    if 1 <= n <= 2:
        assert (stats["sets"], stats["dels"]) == (2, 1)
    if n >= 2:
        assert stats["connections"] == 1
    if n >= 3:
        assert (stats["cmd_set"], stats["cmd_get"], stats["cmd_del"]) == (2, 2, 1)


def test_connections_are_counted(kv):
    n, srv = kv
    if n < 2:
        pytest.skip("STATS counts connections from v2 on")
    for _ in range(3):
        with KVClient(srv.port) as c:
            assert c.cmd("VERSION") == f"kvserver {n}"
    with KVClient(srv.port) as c:
        assert c.stats()["connections"] == 4


def test_full_queue_turns_clients_away(n, start_server):
    srv = start_server("kvserver", f"v{n}", 1)          # one worker
    queue_cap = 64
    first = KVClient(srv.port)
    assert first.cmd("VERSION") == f"kvserver {n}"       # the worker is busy with it
    waiting = [KVClient(srv.port) for _ in range(queue_cap)]
    try:
        with KVClient(srv.port) as extra:
            assert extra.readline() == "SERVER_ERROR busy"
            assert extra.at_eof()
        first.cmd("QUIT")
        first.close()
        assert waiting[0].cmd("GET x") == "NOT_FOUND"     # served once the worker is free
    finally:
        for c in waiting:
            c.close()


def test_worker_count_is_checked(n, start_server):
    with pytest.raises(RuntimeError, match="exited early"):
        start_server("kvserver", f"v{n}", 0)


def test_key_length_limit(kv):
    n, srv = kv
    limit = MAX_KEY[n]
    with KVClient(srv.port) as c:
        if limit is None:
            assert c.cmd("SET " + "k" * 300 + " v") == "STORED"
            return
        assert c.cmd("SET " + "k" * limit + " v") == "STORED"
        assert c.cmd("SET " + "k" * (limit + 1) + " v") == "ERROR key too long"
        assert c.cmd("GET " + "k" * limit) == "VALUE v"


def test_incr_and_append(kv):
    n, srv = kv
    if n < 1:
        pytest.skip("INCR and APPEND come in v1")
    with KVClient(srv.port) as c:
        assert c.cmd("INCR counter") == "VALUE 1"
        assert c.cmd("INCR counter 41") == "VALUE 42"
        assert c.cmd("INCR counter -2") == "VALUE 40"
        assert c.cmd("GET counter") == "VALUE 40"
        assert c.cmd("INCR counter x") == "ERROR delta is not an integer"
        assert c.cmd("SET word abc") == "STORED"
        assert c.cmd("INCR word") == "ERROR value is not an integer"
        assert c.cmd("INCR") == usage_error(n, "INCR key [delta]")
        assert c.cmd("APPEND word def ghi") == "STORED"
        assert c.cmd("GET word") == "VALUE abcdef ghi"
        assert c.cmd("APPEND missing x") == "NOT_FOUND"
        assert c.cmd("APPEND word") == usage_error(n, "APPEND key value")
        assert c.cmd("SET big " + "y" * 1000) == "STORED"
        assert c.cmd("APPEND big " + "y" * 30) == "ERROR value too long"


def test_incr_is_atomic_across_clients(kv):
    n, srv = kv
    if n < 1:
        pytest.skip("INCR comes in v1")

    class IncrScenario(KVScenario):
        def step(self, conn, worker, i, seen):
            reply = conn.cmd("INCR shared")
            if not reply.startswith("VALUE "):
                raise ProtocolError(f"INCR shared: {reply!r}")

    results = LoadClient(srv.port, IncrScenario(), workers=4, count=50, seconds=60).start().wait()
    assert not results.failures, results.failures[:3]
    with KVClient(srv.port) as c:
        assert c.cmd("GET shared") == "VALUE 200"


def test_per_key_hits(kv):
    n, srv = kv
    if n < 2:
        pytest.skip("HITS comes in v2")
    with KVClient(srv.port) as c:
        assert c.cmd("HITS k") == "NOT_FOUND"
        c.cmd("SET k v")
        assert c.cmd("HITS k") == "HITS 0"
        c.cmd("GET k")
        c.cmd("GET k")
        assert c.cmd("HITS k") == "HITS 2"
        c.cmd("SET k w")                     # a new value keeps the count
        assert c.cmd("HITS k") == "HITS 2"
        assert c.cmd("HITS") == usage_error(n, "HITS key")


def test_count_and_clients(kv):
    n, srv = kv
    if n < 4:
        pytest.skip("COUNT, CLIENT and CLIENTS come in v4")
    with KVClient(srv.port) as a:
        for key in ("user:1", "user:2", "item:1"):
            a.cmd(f"SET {key} x")
        assert a.cmd("COUNT") == "COUNT 3"
        assert a.cmd("COUNT user:") == "COUNT 2"
        assert a.cmd("COUNT none") == "COUNT 0"
        assert a.cmd("COUNT a b") == usage_error(n, "COUNT [prefix]")
        assert a.cmd("CLIENT") == "CLIENT id=1 requests=8"
        with KVClient(srv.port) as b:
            assert b.cmd("CLIENT") == "CLIENT id=2 requests=1"
            assert b.cmd("CLIENTS") == "CLIENTS 2"
        assert a.cmd("QUIT") == "BYE"
    with KVClient(srv.port) as c:
        assert c.cmd("CLIENT") == "CLIENT id=3 requests=1"
        # the other two leave the list as their workers see them go
        eventually(lambda: c.cmd("CLIENTS"), lambda v: v == "CLIENTS 1", pause=0.05)


def test_concurrent_clients_lose_nothing(kv):
    n, srv = kv
    results = LoadClient(srv.port, KVScenario(), workers=4, count=100, seconds=60).start().wait()
    assert not results.failures, results.failures[:3]
    assert results.steps == 400
    assert results.versions == {f"kvserver {n}"}
    with KVClient(srv.port) as c:
        assert c.stats()["items"] == 4 * 16
