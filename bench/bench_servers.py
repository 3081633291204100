"""Live updates of real servers under load: the paper's Table 3, Fig. 8,
Fig. 9 and Fig. 10, measured on the corpus servers or on vsftpd.

    python bench/bench_servers.py kvserver [--quick]
    python bench/bench_servers.py ftpish [--quick] [--upto N]
    python bench/bench_servers.py vsftpd --path TREES --binary BUILD/2.0.0/vsftpd \\
        --config CONF --versions 2.0.0 2.0.1 2.0.2 2.0.3 2.0.4 [--root FTPROOT]

The running server is always the first version built by its user (plain
gcc -O2); the chain of patches v0->v1->... is built against it with one
version file (corpus: with the hand-written user code of
corpus/<server>/patches/).  Everything only talks to 127.0.0.1, every load is
bounded in steps and time, and every server started is killed (its whole
process group) at the end.

Table 3   instances side by side (original, updated once, updated to the end
          of the chain, and v1 and the last version started natively),
          measured in interleaved rounds: connection time (connect +
          greeting/first reply) and transfer rate (kvserver: SET+GET of
          900-byte values on one connection; ftp: RETR of a big file); ratios
          to the original, and of each updated server to the same version
          started natively (what running updated costs).
Fig. 8    update time and rollback time of each step against the patch size
          (apply_patch's total and the time every thread was stopped).
Fig. 9    throughput (completed requests per 20 ms) while each update and the
          rollback run under load: the dip (lowest bucket / the median before,
          in 20 ms buckets and in 200 ms ones) and how long throughput stays
          below 90 % of it.  First a control event: this process only busy
          for as long as a typical apply (the injector's CPU time alone).
Fig. 10   VmRSS and Pss (/proc/PID/smaps_rollup) of the target after each
          update and rollback.
The figures go to bench/out/<server>-fig{8,9,10}.png (matplotlib).
Aims (paper): overhead within 1 %, every update/rollback < 70 ms, a dip
shorter and shallower than the paper's 30 %.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # run from a checkout

from tests.corpus.client import FTPClient, KVClient  # noqa: E402
from tests.corpus.harness import ServerProcess, build  # noqa: E402

OUT = REPO / "bench" / "out"
HOST = "127.0.0.1"


# ------------------------------------------------------------------ servers

class Server:
    """How to start one kind of server and what a request, a connection and
    a transfer are for it."""
    name = ""

    def start(self, binary: Path, slot: int):
        raise NotImplementedError

    def connect_time(self, port: int) -> float:
        raise NotImplementedError

    def transfer_rate(self, port: int) -> float:
        raise NotImplementedError

    def request_loop(self, port: int, stop: threading.Event, stamps: list, deadline: float) -> int:
        """Requests until stop or deadline, appending each completion time; returns failures."""
        raise NotImplementedError


class KV(Server):
    name = "kvserver"
    VALUE = "x" * 900

    def start(self, binary, slot):
        return ServerProcess(binary, "8")

    def connect_time(self, port):
        t = time.perf_counter()
        with KVClient(port) as c:
            if not c.cmd("VERSION").startswith("kvserver "):
                raise RuntimeError("bad VERSION reply")
        return time.perf_counter() - t

    def transfer_rate(self, port, n=200):
        with KVClient(port) as c:
            t = time.perf_counter()
            for i in range(n):
                c.cmd(f"SET bench{i % 8} {self.VALUE}")
                if c.cmd(f"GET bench{i % 8}") != f"VALUE {self.VALUE}":
                    raise RuntimeError("bad GET")
            return 2 * n * len(self.VALUE) / (time.perf_counter() - t)

    def request_loop(self, port, stop, stamps, deadline):
        failures = 0
        c = None
        i = 0
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                c = c or KVClient(port)
                if c.cmd(f"SET load{i % 16} v{i}") != "STORED":
                    raise RuntimeError("SET")
                stamps.append(time.monotonic())
            except Exception as e:   # noqa: BLE001
                failures += 1
                note(e, stamps)
                if c:
                    c.close()
                c = None
            i += 1
        if c:
            c.close()
        return failures


class FTPish(Server):
    name = "ftpish"
    BIG = 4 << 20

    def __init__(self, root: Path):
        self.root = root

    def start(self, binary, slot):
        return ServerProcess(binary, str(self.root))

    def _session(self, port) -> FTPClient:
        c = FTPClient(port)
        if c.read_reply().code != 220:
            raise RuntimeError("no greeting")
        c.login()
        return c

    def connect_time(self, port):
        t = time.perf_counter()
        c = self._session(port)
        dt = time.perf_counter() - t
        c.expect("QUIT", 221)
        c.close()
        return dt

    def retr(self, c: FTPClient, path: str) -> bytes:
        return c.retr(path)

    def transfer_rate(self, port):
        with self._session(port) as c:
            t = time.perf_counter()
            n = len(self.retr(c, "big.bin"))
            return n / (time.perf_counter() - t)

    def request_loop(self, port, stop, stamps, deadline):
        """A whole session per request (each one forked by the listener)."""
        failures = 0
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                with self._session(port) as c:
                    if self.retr(c, "hello.txt") != b"hello\n":
                        raise RuntimeError("RETR")
                    c.expect("QUIT", 221)
                stamps.append(time.monotonic())
            except Exception as e:   # noqa: BLE001
                failures += 1
                note(e, stamps)
        return failures


class VsftpdProcess:
    """vsftpd in standalone mode (listen=YES) with its own copy of the config:
    port and passive ports per slot, background=NO; killed by process group."""

    def __init__(self, binary: Path, config: Path, slot: int, workdir: Path):
        text = config.read_text()
        port = free_port()
        lo = 30000 + 100 * slot + 200
        for key, value in (("listen_port", port), ("pasv_min_port", lo), ("pasv_max_port", lo + 99),
                           ("background", "NO"), ("listen_address", HOST)):
            text, n = re.subn(rf"(?m)^{key}=.*$", f"{key}={value}", text)
            if not n:
                text += f"\n{key}={value}\n"
        conf = workdir / f"vsftpd-{slot}.conf"
        conf.write_text(text)
        self.port = port
        self.proc = subprocess.Popen([str(binary), str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"vsftpd did not start on port {port}")
                time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


class Vsftpd(FTPish):
    name = "vsftpd"

    def __init__(self, root: Path, config: Path, workdir: Path):
        super().__init__(root)
        self.config = config
        self.workdir = workdir

    def start(self, binary, slot):
        return VsftpdProcess(binary, self.config, slot, self.workdir)

    def retr(self, c: FTPClient, path: str) -> bytes:
        """RETR through a passive data connection."""
        reply = c.expect("PASV", 227)
        nums = [int(x) for x in re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", reply.text).groups()]
        data = socket.create_connection((HOST, nums[4] * 256 + nums[5]), timeout=5)
        try:
            c.send(f"RETR {path}")
            first = c.read_reply()
            if first.code not in (125, 150):
                raise RuntimeError(f"RETR: {first.lines}")
            chunks = []
            while True:
                b = data.recv(1 << 16)
                if not b:
                    break
                chunks.append(b)
        finally:
            data.close()
        if c.read_reply().code != 226:
            raise RuntimeError("RETR did not end with 226")
        return b"".join(chunks)

    def _session(self, port):
        c = FTPClient(port)
        if c.read_reply().code != 220:
            raise RuntimeError("no greeting")
        c.expect("USER anonymous", 331)
        c.expect("PASS bench@", 230)
        c.expect("TYPE I", 200)
        return c


ERRORS: list[str] = []      # the first few failures of a load, with when they happened


def note(e: Exception, stamps: list) -> None:
    if len(ERRORS) < 5:
        ERRORS.append(f"{type(e).__name__}: {e} (at {time.monotonic():.3f})")


def free_port() -> int:
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------ measurements

def memory(pid: int) -> dict[str, int]:
    """VmRSS and Pss in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            out["rss"] = int(line.split()[1])
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss"] = int(line.split()[1])
    except OSError:
        out["pss"] = -1
    return out


def runtime_faults(pid: int) -> Optional[int]:
    """Write-through faults the target's runtime has taken so far (trapped
    writes + false sharing), read from its rt_counters through /proc/PID/mem
    without stopping it: a pending update's price shows up as these per
    second.  None before the runtime is loaded."""
    from polusgen import elf
    from polusgen.inject import procmem

    maps = procmem.read_maps(pid)
    lib = next((m.path for m in maps if m.path and m.path.endswith("/libpolus_rt.so")), None)
    if lib is None:
        return None
    e = elf.cached(procmem.host_path(pid, lib))
    base = procmem.load_base(maps, lib, e.first_load_vaddr)
    sym = e.find("rt_counters")
    with procmem.Memory(pid) as mem:
        raw = mem.read(base + sym.value, 16)
    return int.from_bytes(raw[:8], "little") + int.from_bytes(raw[8:], "little")


@dataclass
class Step:
    label: str
    so_size: int = 0
    total_ms: float = 0.0
    stopped_ms: float = 0.0
    mem: dict = field(default_factory=dict)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def table3(kind: Server, instances: dict[str, object], rounds: int, conns: int) -> dict[str, dict[str, float]]:
    """Connection times and transfer rates, the instances taken in turn for
    every single sample (order rotated each round), so that drift in the
    machine's load reaches all of them alike; medians of all samples."""
    ct: dict[str, list[float]] = {k: [] for k in instances}
    tr: dict[str, list[float]] = {k: [] for k in instances}
    names = list(instances)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for _ in range(conns):
            for k in order:
                ct[k].append(kind.connect_time(instances[k].port))
        for k in order:
            tr[k].append(kind.transfer_rate(instances[k].port))
    return {k: {"connect": median(ct[k]), "rate": median(tr[k]), "n": len(ct[k])} for k in names}


class Load:
    """`threads` request loops against one port in a process of its own (the
    injector runs in this one: sharing its interpreter lock would show up as a
    dip that is not the target's), every completion time kept (CLOCK_MONOTONIC
    is the same clock in both processes)."""

    def __init__(self, kind: Server, port: int, threads: int, seconds: float):
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self.stop = ctx.Event()
        self.failures = 0
        self._recv, send = ctx.Pipe(duplex=False)
        self.t0 = time.monotonic()
        self.proc = ctx.Process(target=self._child, args=(kind, port, threads, seconds, send), daemon=True)
        self.proc.start()

    def _child(self, kind, port, threads, seconds, send):
        deadline = time.monotonic() + seconds
        stamps: list[float] = []
        fails = []
        stop = threading.Event()

        def run():
            fails.append(kind.request_loop(port, stop, stamps, deadline))
        ts = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
        for t in ts:
            t.start()
        self.stop.wait(seconds)
        stop.set()
        for t in ts:
            t.join(30)
        send.send((stamps, sum(fails), ERRORS))

    def finish(self):
        self.stop.set()
        stamps, self.failures, self.errors = self._recv.recv()
        self.proc.join(30)
        return sorted(stamps)


def dip(stamps: list[float], t0: float, events: list[tuple[str, float, float]], bucket: float = 0.02):
    """Throughput per bucket, and per event (label, start, end) the lowest
    bucket relative to the median before the first event and the time below
    90 %.  An event is looked at from the bucket before it to 60 ms (at least
    one bucket) after it; the last, partial bucket is left out."""
    if not stamps:
        return [], [], []
    end = stamps[-1]
    n = max(1, int((end - t0) / bucket))
    counts = [0] * n
    for s in stamps:
        i = int((s - t0) / bucket)
        if i < n:
            counts[i] += 1
    xs = [i * bucket for i in range(n)]
    first = events[0][1] if events else end
    base = median([c for x, c in zip(xs, counts) if x + t0 < first - bucket]) or 1
    after_span = max(1, round(0.06 / bucket))
    rows = []
    for i, (label, a, b) in enumerate(events):
        nxt = events[i + 1][1] if i + 1 < len(events) else end
        after = median([c for x, c in zip(xs, counts) if b + 0.1 < x + t0 < nxt - bucket]) or 0
        lo_i = max(0, int((a - t0) / bucket) - 1)
        hi_i = min(n - 1, int((b - t0) / bucket) + after_span)
        window = counts[lo_i:hi_i + 1]
        low = min(window) if window else base
        below = sum(1 for c in window if c < 0.9 * base) * bucket
        rows.append((label, low / base, below * 1000, (b - a) * 1000, after / base))
    return xs, [c / bucket for c in counts], rows


# ------------------------------------------------------------------ CPUs

# With the clients and the servers on the same cores, which thread the
# scheduler put where decided more than the server: two instances of one
# kvserver binary differed by 40% in transfer rate, each the same all run
# long.  Servers (every thread, and what they fork) go to the last CPU, this
# process and the load it forks to the others.
CPUS = sorted(os.sched_getaffinity(0))


def pin_client() -> None:
    if len(CPUS) > 1:
        os.sched_setaffinity(0, CPUS[:-1])


def pin_server(pid: int) -> None:
    if len(CPUS) < 2:
        return
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), CPUS[-1:])
        except OSError:
            pass


# ------------------------------------------------------------------ main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("server", choices=["kvserver", "ftpish", "vsftpd"])
    ap.add_argument("--path", type=Path, help="vsftpd: the folder of release trees (one per version)")
    ap.add_argument("--versions", nargs="+", help="vsftpd: release folders under --path, in order")
    ap.add_argument("--binary", type=Path, help="the running first version (vsftpd: built by you)")
    ap.add_argument("--config", type=Path, help="vsftpd: a vsftpd.conf (listen=YES, anonymous)")
    ap.add_argument("--root", type=Path, help="ftp root with hello.txt and big.bin (default: made)")
    ap.add_argument("--upto", type=int, help="last version of the chain (default: all)")
    ap.add_argument("--native", type=Path, help="vsftpd: a build of the last version, as Table 3's baseline "
                    "for the updated server (the corpus servers' are built)")
    ap.add_argument("--quick", action="store_true", help="few rounds (CI)")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--workdir", type=Path)
    a = ap.parse_args()

    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.runtime_lib import runtime_library
    from tests.corpus.live import build_chain

    rounds = a.rounds or (3 if a.quick else 15)
    pin_client()
    work = a.workdir or Path(tempfile.mkdtemp(prefix=f"polus-bench-{a.server}-"))
    work.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    runtime_library()

    root = a.root
    if root is None:
        root = work / "root"
        root.mkdir(exist_ok=True)
        (root / "hello.txt").write_bytes(b"hello\n")
        (root / "big.bin").write_bytes(os.urandom(FTPish.BIG))
    if a.server == "kvserver":
        kind: Server = KV()
    elif a.server == "ftpish":
        kind = FTPish(root)
    else:
        if not (a.path and a.versions and a.binary and a.config):
            ap.error("vsftpd needs --path, --versions, --binary and --config")
        kind = Vsftpd(root, a.config, work)

    t = time.perf_counter()
    if a.server == "vsftpd":
        binary = a.binary.resolve()
        chain = build_chain("vsftpd", binary, work / "patches", upto=a.upto,
                            sources=[a.path / v for v in a.versions], user_code={})
    else:
        binary = a.binary or build(a.server, "v0", work / "bin")
        chain = build_chain(a.server, binary, work / "patches", upto=a.upto)
    last = chain.last
    # the frontend's object graphs stay alive in this process: a full garbage
    # collection in the middle of an apply would be timed as the apply's
    import gc
    gc.collect()
    gc.freeze()
    print(f"{a.server}: chain v0..v{last} built in {time.perf_counter() - t:.1f} s against {binary}")
    for n, err in chain.errors.items():
        print(f"  step to v{n} not built: {err.splitlines()[0][:160]}")
    if last == 0:
        print("nothing to apply")
        return 1
    sizes = {n: chain.patches[n].stat().st_size for n in chain.patches}

    started = []

    def start(slot, exe=None):
        s = kind.start(exe or binary, slot)
        pin_server(s.pid)
        started.append(s)
        return s

    try:
        # ---- Fig. 8 and Fig. 10: each step applied, then rolled back one by one; repeated
        target = start(0)
        steps: list[Step] = [Step("v0", mem=memory(target.pid))]
        applies: dict[int, list[tuple[float, float]]] = {n: [] for n in range(1, last + 1)}
        rollbacks: dict[int, list[tuple[float, float]]] = {n: [] for n in range(1, last + 1)}
        reps = 1 if a.quick else 3
        for rep in range(reps):
            for n in range(1, last + 1):
                r = apply_patch(target.pid, chain.patches[n], wait=0.0)
                applies[n].append((r.total_ms, r.stopped_ms))
                if r.total_ms > 70:
                    print(f"  (rep {rep}: v{n} took {r.total_ms:.1f} ms: {r.timings})")
                if rep == 0:
                    steps.append(Step(f"v{n}", sizes[n], r.total_ms, r.stopped_ms, memory(target.pid)))
            for n in range(last, 0, -1):
                t = time.perf_counter()
                rb = rollback_patch(target.pid, to=n - 1, wait=0.0)
                rollbacks[n].append(((time.perf_counter() - t) * 1000, rb.stopped_ms))
                if rep == 0:
                    steps.append(Step(f"rollback to v{n - 1}", sizes[n], rollbacks[n][-1][0], rb.stopped_ms,
                                      memory(target.pid)))
        assert target.alive(), "the target died"

        print("\nFig. 8: update and rollback time against patch size "
              f"(median of {reps}; ms; threads stopped in brackets)")
        print(f"  {'step':<10}{'patch .so':>11}{'apply':>10}{'(stopped)':>11}{'rollback':>10}{'(stopped)':>11}"
              f"{'max apply':>11}{'max rollb.':>11}")
        for n in range(1, last + 1):
            ap_t, ap_s = median([x[0] for x in applies[n]]), median([x[1] for x in applies[n]])
            rb_t, rb_s = median([x[0] for x in rollbacks[n]]), median([x[1] for x in rollbacks[n]])
            print(f"  v{n - 1}->v{n:<6}{sizes[n]:>11}{ap_t:>10.1f}{ap_s:>11.1f}{rb_t:>10.1f}{rb_s:>11.1f}"
                  f"{max(x[0] for x in applies[n]):>11.1f}{max(x[0] for x in rollbacks[n]):>11.1f}")
        worst = max(max(x[0] for x in applies[n] + rollbacks[n]) for n in applies)
        print(f"  slowest update or rollback: {worst:.1f} ms (aim < 70 ms)")

        print("\nFig. 10: memory of the target (KiB)")
        base = steps[0].mem
        for s in steps:
            print(f"  {s.label:<18} VmRSS {s.mem.get('rss', -1):>7}  Pss {s.mem.get('pss', -1):>7}"
                  f"   (+{s.mem.get('rss', 0) - base.get('rss', 0)} / +{s.mem.get('pss', 0) - base.get('pss', 0)})")

        # ---- Table 3: original, once updated, many times updated, side by side,
        # and the version the updated server runs started as it is (the cost of
        # running it updated, apart from what the new version itself costs)
        orig, once, many = start(1), start(2), start(3)     # a fresh original: the target has a runtime now
        for inst, upto in ((once, 1), (many, last)):
            for n in range(1, upto + 1):
                apply_patch(inst.pid, chain.patches[n], wait=0.2)
        instances = {"original": orig, "updated once": once, f"updated x{last}": many}
        natives = {}
        if a.server != "vsftpd":
            natives = {n: start(4 + i, build(a.server, f"v{n}", work / "bin"))
                       for i, n in enumerate(sorted({1, last}))}
        elif a.native:
            natives = {last: start(4, a.native.resolve())}
        if last == 1:
            del instances[f"updated x{last}"]
            many.stop()
            started.remove(many)
        for n, inst in natives.items():
            instances[f"native v{n}"] = inst
        kind.connect_time(orig.port), kind.transfer_rate(orig.port)      # warm up
        res = table3(kind, instances, 2 * rounds, conns=5 if a.quick else 20)
        print(f"\nTable 3: {a.server}, {2 * rounds} interleaved rounds, {res['original']['n']} connections and "
              f"{2 * rounds} transfers per server (medians; ratios to the original, and of an updated server "
              "to the same version started natively)")
        o = res["original"]
        print(f"  {'':<16}{'connect (ms)':>14}{'ratio':>8}{'transfer (MB/s)':>17}{'ratio':>8}"
              f"{'vs native: connect':>20}{'transfer':>10}")
        for k, v in res.items():
            line = (f"  {k:<16}{v['connect'] * 1000:>14.3f}{v['connect'] / o['connect']:>8.3f}"
                    f"{v['rate'] / 1e6:>17.2f}{v['rate'] / o['rate']:>8.3f}")
            n = 1 if k == "updated once" else last if k.startswith("updated x") else None
            nat = res.get(f"native v{n}")
            if nat:
                line += f"{v['connect'] / nat['connect']:>20.3f}{v['rate'] / nat['rate']:>10.3f}"
            print(line)
        for inst in [i for i in (orig, once, many, *natives.values()) if i in started]:
            inst.stop()
            started.remove(inst)

        # ---- Fig. 9: throughput while each update and the rollback run under load
        gap = 0.3 if a.quick else 1.0
        runtime_faults(target.pid)          # the runtime's ELF read once, before the load
        load = Load(kind, target.port, threads=2 if a.server != "kvserver" else 3,
                    seconds=gap * (last + 3) + 10)
        events = []
        time.sleep(gap)
        # a control: this process busy for as long as a typical apply, touching
        # nothing of the target; on a small machine the injector's own CPU time
        # competes with the load and the server, and this shows how much of a
        # dip that alone makes
        busy = median([x[0] for n in applies for x in applies[n]]) / 1000
        t0 = time.monotonic()
        while time.monotonic() - t0 < busy:
            pass
        events.append(("control", t0, time.monotonic()))
        # write-through faults between an event and the next: an update that
        # stays active (a thread still in an old function using changed data)
        # keeps that data in write-through, and every write to it is a fault
        faults: list[tuple[Optional[int], float]] = []

        def gap_after_event():
            faults.append((runtime_faults(target.pid), time.monotonic()))
            time.sleep(gap)
            faults.append((runtime_faults(target.pid), time.monotonic()))
        gap_after_event()
        for n in range(1, last + 1):
            t0 = time.monotonic()
            apply_patch(target.pid, chain.patches[n], wait=0.0)
            events.append((f"v{n}", t0, time.monotonic()))
            gap_after_event()
        t0 = time.monotonic()
        rollback_patch(target.pid, to=0, wait=0.0)
        events.append(("rollback", t0, time.monotonic()))
        gap_after_event()
        stamps = load.finish()
        fault_rates = [(b[0] - a[0]) / (b[1] - a[1]) if a[0] is not None and b[0] is not None else 0.0
                       for a, b in zip(faults[::2], faults[1::2])]
        xs, ys, rows = dip(stamps, load.t0, events)
        coarse = {r[0]: r for r in dip(stamps, load.t0, events, bucket=0.2)[2]}
        print(f"\nFig. 9: throughput under load ({len(stamps)} requests, {load.failures} failed; "
              "lowest bucket relative to the median before the first event, in 20 ms and 200 ms buckets)")
        print(f"  {'event':<10}{'took (ms)':>10}{'lowest, 20 ms':>15}{'200 ms':>8}{'below 90% (ms)':>16}"
              f"{'after/before':>14}{'faults/s after':>16}")
        for (label, low, below, took, after), fr in zip(rows, fault_rates):
            print(f"  {label:<10}{took:>10.1f}{low:>15.2f}{coarse[label][1]:>8.2f}{below:>16.0f}{after:>14.2f}"
                  f"{fr:>16.0f}")
        for label, start_t, end_t in events:
            print(f"  ({label}: {start_t:.3f}..{end_t:.3f})")
        for e in load.errors:
            print(f"  failed: {e}")

        if not a.no_plots:
            plots(a.server, last, sizes, applies, rollbacks, steps, xs, ys, events, load.t0)
    finally:
        for s in started:
            s.stop()
    return 0


def plots(server, last, sizes, applies, rollbacks, steps, xs, ys, events, t0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = list(range(1, last + 1))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([sizes[n] / 1024 for n in ns], [median([x[0] for x in applies[n]]) for n in ns], "o-", label="update")
    ax.plot([sizes[n] / 1024 for n in ns], [median([x[0] for x in rollbacks[n]]) for n in ns], "s--",
            label="rollback")
    for n in ns:
        ax.annotate(f"v{n}", (sizes[n] / 1024, median([x[0] for x in applies[n]])))
    ax.set_xlabel("patch size (KiB of .so)")
    ax.set_ylabel("time (ms)")
    ax.set_title(f"{server}: update and rollback time (Fig. 8)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / f"{server}-fig8.png", dpi=100)

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(xs, ys, lw=0.8)
    for label, a, b in events:
        ax.axvspan(a - t0, max(b - t0, a - t0 + 0.005), color="red", alpha=0.3)
        ax.annotate(label, (a - t0, max(ys) if ys else 0))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("requests / s")
    ax.set_title(f"{server}: throughput while updating under load (Fig. 9)")
    fig.tight_layout()
    fig.savefig(OUT / f"{server}-fig9.png", dpi=100)

    fig, ax = plt.subplots(figsize=(8, 4))
    labels = [s.label for s in steps]
    idx = range(len(steps))
    ax.bar([i - 0.2 for i in idx], [s.mem.get("rss", 0) for s in steps], 0.4, label="VmRSS")
    ax.bar([i + 0.2 for i in idx], [s.mem.get("pss", 0) for s in steps], 0.4, label="Pss")
    ax.set_xticks(list(idx))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("KiB")
    ax.set_title(f"{server}: memory after each update and rollback (Fig. 10)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / f"{server}-fig10.png", dpi=100)
    print(f"\nplots: {OUT}/{server}-fig8.png, -fig9.png, -fig10.png")


if __name__ == "__main__":
    sys.exit(main())
