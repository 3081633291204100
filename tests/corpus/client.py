"""Bounded loopback clients for the corpus servers (kvserver, ftpish, poolhttp).

Two layers:

* ``KVClient`` and ``FTPClient``: one connection each, speaking the server's
  line protocol; every socket operation has a timeout.  ``http_get``: one
  poolhttp request.
* ``LoadClient``: N worker threads, each running a scenario step in a loop
  until it has done ``count`` steps or ``seconds`` have passed, whichever comes
  first (both are required, so a load always stops by itself; so does reaching
  ``max_failures``).  Every failure is recorded with its worker, step and
  reason, and every successful step's latency.

    load = LoadClient(port, KVScenario(), workers=4, count=500, seconds=20)
    load.start()
    ...                       # e.g. live-update the server meanwhile
    results = load.stop()     # or load.wait(): until every worker is done
    assert not results.failures, results.failures[:5]

Only 127.0.0.1 is ever contacted.  Run as a script for a JSON summary:

    python3 tests/corpus/client.py kv PORT --workers 4 --count 200 --seconds 10
    python3 tests/corpus/client.py ftp PORT --path hello.txt --expect-file ROOT/hello.txt
"""
from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 5.0


class ProtocolError(Exception):
    """The server answered something the scenario did not expect."""


class LineClient:
    """One TCP connection to 127.0.0.1 exchanging lines that end in ``eol``."""

    eol = b"\n"

    def __init__(self, port: int, timeout: float = DEFAULT_TIMEOUT):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self._buf = b""

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.sock.sendall(data + self.eol)

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self._buf += chunk

    def readline(self) -> str:
        while self.eol not in self._buf:
            self._fill()
        line, self._buf = self._buf.split(self.eol, 1)
        return line.decode(errors="replace")

    def read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            self._fill()
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def at_eof(self) -> bool:
        """True if the server has closed the connection (nothing left to read)."""
        if self._buf:
            return False
        try:
            self._fill()
        except ConnectionError:
            return True
        return False


class KVClient(LineClient):
    """kvserver: one reply line per request line."""

    def cmd(self, line: str) -> str:
        self.send(line)
        return self.readline()

    def stats(self) -> dict[str, int]:
        """STATS as a dict of its integer fields."""
        reply = self.cmd("STATS")
        if not reply.startswith("STATS "):
            raise ProtocolError(f"STATS answered {reply!r}")
        return {k: int(v) for k, v in (f.split("=", 1) for f in reply.split()[1:])}


@dataclass
class FTPReply:
    code: int
    text: str                          # the last line's text
    lines: list[str] = field(default_factory=list)   # every line, as sent


class FTPClient(LineClient):
    """ftpish: FTP-style replies ("ddd text", multi-line "ddd-text" ... "ddd text")."""

    eol = b"\r\n"
    greeting = ""          # the 220 text, once a scenario has read it

    def read_reply(self) -> FTPReply:
        lines = [self.readline()]
        code = lines[0][:3]
        if len(lines[0]) > 3 and lines[0][3] == "-":
            while not (lines[-1].startswith(code + " ")):
                lines.append(self.readline())
        if not code.isdigit():
            raise ProtocolError(f"not a reply line: {lines[0]!r}")
        return FTPReply(int(code), lines[-1][4:], lines)

    def cmd(self, line: str) -> FTPReply:
        self.send(line)
        return self.read_reply()

    def expect(self, line: str, code: int) -> FTPReply:
        reply = self.cmd(line)
        if reply.code != code:
            raise ProtocolError(f"{line!r}: expected {code}, got {reply.lines}")
        return reply

    def login(self, user: str = "anonymous") -> None:
        self.expect(f"USER {user}", 331)
        self.expect("PASS guest@", 230)

    def list(self, path: str = "") -> list[str]:
        """LIST: the lines between the 150 and the 226 reply."""
        self.expect(f"LIST {path}".rstrip(), 150)
        lines = []
        while True:
            line = self.readline()
            if line.startswith("226 "):
                return lines
            lines.append(line)

    def retr(self, path: str) -> bytes:
        """RETR: the file's bytes; the 150 reply says how many."""
        reply = self.expect(f"RETR {path}", 150)
        m = re.search(r"\((\d+) bytes\)", reply.text)
        if not m:
            raise ProtocolError(f"no size in {reply.text!r}")
        data = self.read_exact(int(m.group(1)))
        done = self.read_reply()
        if done.code != 226:
            raise ProtocolError(f"RETR ended with {done.lines}")
        return data


# ---------------------------------------------------------------- scenarios
class KVScenario:
    """Each worker keeps one connection and, per step, SETs one of its own keys
    (``<prefix>w<worker>-k<n>``) to a fresh value and GETs it back; a wrong or
    missing value is a failure.  Every ``version_every`` steps it asks VERSION
    and records the answer.

    kvserver serves one connection per worker thread (4 unless started with
    more): more load workers than that wait in its queue and time out."""

    persistent = True          # one connection per worker

    def __init__(self, keys_per_worker: int = 16, version_every: int = 10, prefix: str = ""):
        self.keys = keys_per_worker
        self.version_every = version_every
        self.prefix = prefix

    def connect(self, port: int, timeout: float) -> KVClient:
        return KVClient(port, timeout)

    def step(self, conn: KVClient, worker: int, i: int, seen: set[str]) -> None:
        key = f"{self.prefix}w{worker}-k{i % self.keys}"
        value = f"v{i}-{worker}"
        reply = conn.cmd(f"SET {key} {value}")
        if reply != "STORED":
            raise ProtocolError(f"SET {key}: {reply!r}")
        reply = conn.cmd(f"GET {key}")
        if reply != f"VALUE {value}":
            raise ProtocolError(f"GET {key}: {reply!r}, wanted VALUE {value}")
        if self.version_every and i % self.version_every == 0:
            seen.add(conn.cmd("VERSION"))


class KVCounterScenario(KVScenario):
    """kvserver v1 on: every step INCRs one shared key, so after the load the
    key must hold exactly ``results.steps`` (plus its value before): an
    increment lost by the server (or by an update) shows there."""

    def __init__(self, key: str = "counter"):
        super().__init__(version_every=0)
        self.key = key

    def step(self, conn: KVClient, worker: int, i: int, seen: set[str]) -> None:
        reply = conn.cmd(f"INCR {self.key}")
        if not reply.startswith("VALUE "):
            raise ProtocolError(f"INCR {self.key}: {reply!r}")


class FTPScenario:
    """Per step: NOOP, RETR ``path`` (checked against ``expected`` if given).

    By default every step is one whole session (ftpish forks a process per
    session): greeting, login, the commands, QUIT.  With ``persistent=True``
    each worker logs in once and keeps its session (its process) for all its
    steps, which then also check PWD.  The greeting's text (it names the
    version; a persistent session records the one it was greeted with) is
    recorded."""

    def __init__(self, path: str = "hello.txt", expected: bytes | None = None,
                 persistent: bool = False):
        self.path = path
        self.expected = expected
        self.persistent = persistent

    def connect(self, port: int, timeout: float) -> FTPClient:
        conn = FTPClient(port, timeout)
        if self.persistent:
            try:
                self._greet(conn)
                conn.login()
            except BaseException:
                conn.close()
                raise
        return conn

    def _greet(self, conn: FTPClient) -> None:
        greeting = conn.read_reply()
        if greeting.code != 220:
            raise ProtocolError(f"greeting {greeting.lines}")
        conn.greeting = greeting.text

    def step(self, conn: FTPClient, worker: int, i: int, seen: set[str]) -> None:
        if not self.persistent:
            self._greet(conn)
            conn.login()
        seen.add(conn.greeting)
        conn.expect("NOOP", 200)
        data = conn.retr(self.path)
        if self.expected is not None and data != self.expected:
            raise ProtocolError(f"RETR {self.path}: {len(data)} bytes differ from expected")
        if self.persistent:
            conn.expect("PWD", 257)
        else:
            conn.expect("QUIT", 221)


class HTTPReply:
    def __init__(self, code: int, headers: dict[str, str], body: str):
        self.code, self.headers, self.body = code, headers, body


def http_get(port: int, path: str = "/", timeout: float = DEFAULT_TIMEOUT) -> HTTPReply:
    """One HTTP/1.0 GET (poolhttp): the whole reply, its length checked."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    m = re.fullmatch(r"HTTP/1\.[01] (\d{3}) .*", lines[0])
    if not sep or not m:
        raise ProtocolError(f"GET {path}: not an HTTP reply: {data[:80]!r}")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if int(headers.get("content-length", -1)) != len(body):
        raise ProtocolError(f"GET {path}: {len(body)} body bytes, Content-Length {headers.get('content-length')}")
    return HTTPReply(int(m.group(1)), headers, body.decode(errors="replace"))


class HTTPScenario:
    """Per step: one connection, GET / (poolhttp answers "poolhttp N pid P
    served S"); the "poolhttp N" seen are recorded."""

    persistent = False

    class _Port:
        def __init__(self, port: int, timeout: float):
            self.port, self.timeout = port, timeout

        def close(self) -> None:
            pass

    def connect(self, port: int, timeout: float) -> "HTTPScenario._Port":
        return self._Port(port, timeout)

    def step(self, conn, worker: int, i: int, seen: set[str]) -> None:
        r = http_get(conn.port, "/", conn.timeout)
        m = re.fullmatch(r"(poolhttp \d+) pid \d+ served \d+\n", r.body)
        if r.code != 200 or not m:
            raise ProtocolError(f"GET /: {r.code} {r.body!r}")
        seen.add(m.group(1))


# ---------------------------------------------------------------- load
@dataclass
class Failure:
    worker: int
    step: int
    reason: str
    at: float          # seconds since the load started


@dataclass
class Results:
    steps: int = 0                                   # steps that succeeded
    failures: list[Failure] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)   # seconds, successful steps
    versions: set[str] = field(default_factory=set)  # version strings seen
    elapsed: float = 0.0
    stopped_early: bool = False                      # stop() before count/seconds ran out

    def summary(self) -> dict:
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else None

        return {
            "steps": self.steps,
            "failures": len(self.failures),
            "first_failures": [f.__dict__ for f in self.failures[:5]],
            "latency_mean": statistics.fmean(lat) if lat else None,
            "latency_p50": pct(0.50),
            "latency_p99": pct(0.99),
            "versions": sorted(self.versions),
            "elapsed": self.elapsed,
            "stopped_early": self.stopped_early,
        }


class LoadClient:
    """``workers`` threads each doing ``count`` scenario steps, all stopping at
    ``seconds`` at the latest.  A scenario with ``persistent = False`` gets a
    new connection for every step; otherwise each worker keeps one and opens a
    new one only after a failure."""

    def __init__(self, port: int, scenario, workers: int = 4, count: int = 100,
                 seconds: float = 30.0, timeout: float = DEFAULT_TIMEOUT,
                 max_failures: int = 100):
        if workers < 1 or count < 1 or max_failures < 1 or not 0 < seconds <= 3600:
            raise ValueError("workers, count and max_failures must be >= 1, "
                             "seconds in (0, 3600]")
        self.max_failures = max_failures
        self.port = port
        self.scenario = scenario
        self.workers = workers
        self.count = count
        self.seconds = seconds
        self.timeout = timeout
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._results = Results()
        self._t0 = 0.0

    def start(self) -> "LoadClient":
        if self._threads:
            raise RuntimeError("already started")
        self._t0 = time.monotonic()
        for w in range(self.workers):
            t = threading.Thread(target=self._run, args=(w,), daemon=True,
                                 name=f"load-{w}")
            self._threads.append(t)
            t.start()
        return self

    def _record_failure(self, worker: int, step: int, exc: BaseException) -> None:
        with self._lock:
            self._results.failures.append(Failure(
                worker, step, f"{type(exc).__name__}: {exc}", time.monotonic() - self._t0))
            if len(self._results.failures) >= self.max_failures:
                self._stop.set()     # e.g. the server is gone: stop hammering it

    def _run(self, worker: int) -> None:
        deadline = self._t0 + self.seconds
        persistent = getattr(self.scenario, "persistent", True)
        conn = None
        seen: set[str] = set()
        latencies: list[float] = []
        for i in range(self.count):
            if self._stop.is_set() or time.monotonic() >= deadline:
                break
            t = time.perf_counter()
            try:
                if conn is None:
                    conn = self.scenario.connect(self.port, self.timeout)
                self.scenario.step(conn, worker, i, seen)
            except Exception as exc:   # noqa: BLE001 - every failure is recorded
                self._record_failure(worker, i, exc)
                if conn is not None:
                    conn.close()
                conn = None
                continue
            latencies.append(time.perf_counter() - t)
            if not seen <= self._results.versions:
                with self._lock:
                    self._results.versions |= seen
            if not persistent:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with self._lock:
            self._results.steps += len(latencies)
            self._results.latencies.extend(latencies)
            self._results.versions |= seen

    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def failures_so_far(self) -> list[Failure]:
        with self._lock:
            return list(self._results.failures)

    def versions_so_far(self) -> set[str]:
        """The version strings the workers have seen until now."""
        with self._lock:
            return set(self._results.versions)

    def wait(self) -> Results:
        """Waits for every worker to finish its count or its time."""
        limit = self._t0 + self.seconds + 2 * self.timeout + 1
        for t in self._threads:
            t.join(max(0.0, limit - time.monotonic()))
        return self._finish()

    def stop(self) -> Results:
        """Asks the workers to stop after their current step and collects."""
        self._results.stopped_early = self.running() and not self._stop.is_set()
        self._stop.set()
        return self.wait()

    def _finish(self) -> Results:
        self._stop.set()
        if self.running():
            self._record_failure(-1, -1, TimeoutError("a worker did not stop in time"))
        self._results.elapsed = time.monotonic() - self._t0
        return self._results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("protocol", choices=["kv", "ftp"])
    ap.add_argument("port", type=int)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--path", default="hello.txt", help="ftp: the file to RETR")
    ap.add_argument("--expect-file", help="ftp: a local file RETR must return")
    ap.add_argument("--persistent", action="store_true",
                    help="ftp: one session per worker instead of one per step")
    args = ap.parse_args(argv)
    if args.protocol == "kv":
        scenario = KVScenario()
    else:
        expected = open(args.expect_file, "rb").read() if args.expect_file else None
        scenario = FTPScenario(args.path, expected, args.persistent)
    load = LoadClient(args.port, scenario, args.workers, args.count, args.seconds)
    results = load.start().wait()
    print(json.dumps(results.summary(), indent=2))
    return 1 if results.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
