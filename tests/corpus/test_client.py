"""The load client itself: it stops by itself (count, time, failures), stops
when asked, and records what went wrong instead of hiding it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .client import FTPClient, FTPScenario, KVClient, KVCounterScenario, KVScenario, LoadClient

CLIENT = Path(__file__).with_name("client.py")


@pytest.fixture
def kv(start_server):
    return start_server("kvserver", "v0")


def test_stops_after_count(kv):
    results = LoadClient(kv.port, KVScenario(), workers=3, count=7, seconds=60).start().wait()
    assert (results.steps, results.failures) == (21, [])
    assert len(results.latencies) == 21 and all(t > 0 for t in results.latencies)
    assert results.versions == {"kvserver 0"}
    assert not results.stopped_early
    with KVClient(kv.port) as c:           # each worker set 7 of its 16 keys
        assert c.stats()["items"] == 21


def test_stops_at_its_time_limit(kv):
    load = LoadClient(kv.port, KVScenario(), workers=2, count=10**9, seconds=0.3).start()
    results = load.wait()
    assert not load.running()
    assert results.failures == []
    assert 0 < results.steps < 2 * 10**9


def test_stop_ends_a_running_load(kv):
    load = LoadClient(kv.port, KVScenario(), workers=2, count=10**9, seconds=60).start()
    results = load.stop()
    assert not load.running()
    assert results.stopped_early
    assert results.failures == []


def test_wrong_answers_are_failures(start_server, tmp_path):
    (tmp_path / "f.txt").write_bytes(b"actual\n")
    srv = start_server("ftpish", "v0", tmp_path)
    scenario = FTPScenario("f.txt", expected=b"something else\n")
    results = LoadClient(srv.port, scenario, workers=2, count=3, seconds=60).start().wait()
    assert results.steps == 0
    assert len(results.failures) == 6
    assert {(f.worker, f.step) for f in results.failures} == {(w, i) for w in (0, 1) for i in range(3)}
    assert all("differ from expected" in f.reason for f in results.failures)


def test_a_dead_server_stops_the_load(kv):
    load = LoadClient(kv.port, KVScenario(), workers=2, count=10**9, seconds=60,
                      max_failures=20).start()
    kv.stop()
    results = load.wait()
    assert not load.running()
    assert 20 <= len(results.failures) < 20 + 2     # one more per worker at most
    assert all(f.reason.split(":")[0] in ("ConnectionRefusedError", "ConnectionResetError",
                                          "ConnectionError", "BrokenPipeError")
               for f in results.failures), {f.reason for f in results.failures}


def test_bad_bounds_are_refused(kv):
    for kwargs in ({"workers": 0}, {"count": 0}, {"seconds": 0}, {"max_failures": 0}):
        with pytest.raises(ValueError):
            LoadClient(kv.port, KVScenario(), **kwargs)


def test_command_line_summary(kv):
    proc = subprocess.run([sys.executable, str(CLIENT), "kv", str(kv.port), "--workers", "2",
                           "--count", "5", "--seconds", "30"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert (summary["steps"], summary["failures"]) == (10, 0)
    assert summary["versions"] == ["kvserver 0"]
    assert summary["latency_p50"] <= summary["latency_p99"]


def test_counter_scenario_counts_every_increment(start_server):
    srv = start_server("kvserver", "v1")
    results = LoadClient(srv.port, KVCounterScenario(), workers=3, count=40,
                         seconds=60).start().wait()
    assert results.failures == []
    with KVClient(srv.port) as c:
        assert c.cmd("GET counter") == f"VALUE {results.steps}"


def test_persistent_ftp_sessions_keep_one_process_each(start_server, tmp_path):
    (tmp_path / "f.txt").write_bytes(b"data\n")
    srv = start_server("ftpish", "v2", tmp_path)
    scenario = FTPScenario("f.txt", b"data\n", persistent=True)
    results = LoadClient(srv.port, scenario, workers=3, count=10, seconds=60).start().wait()
    assert (results.steps, results.failures) == (30, [])
    assert results.versions == {"ftpish 2 ready"}
    with FTPClient(srv.port) as c:           # three sessions before this one
        c.read_reply()
        assert "session=4" in c.expect("STAT", 211).text


def test_two_loads_at_once_keep_to_their_own_keys(start_server):
    srv = start_server("kvserver", "v0", 4)
    loads = [LoadClient(srv.port, KVScenario(prefix=p), workers=2, count=20, seconds=60).start()
             for p in ("a-", "b-")]
    for results in [load.wait() for load in loads]:
        assert (results.steps, results.failures) == (40, [])
    with KVClient(srv.port) as c:
        assert c.stats()["items"] == 2 * 2 * 16
        assert c.cmd("GET b-w1-k3") == "VALUE v19-1"
