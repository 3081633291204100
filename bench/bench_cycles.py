"""Apply/rollback cycles on one process under load: do they all succeed,
is any write lost, do memory and mappings stay flat?

    python bench/bench_cycles.py [--cycles N] [--workdir DIR]

The Fig. 2 program (four threads calling bar() without pause, the
invariant i == calls shows any lost increment) is built with plain
`gcc -O2` and its patch with `polusgen diff` + `polusgen build`.  N times
(default 1000): apply (in process), rollback until it has terminated.
Prints RSS (VmRSS), the /proc/PID/maps line count, and the runtime's own
records (bytes it allocated and has not freed, but for the per-thread
slots of the fault handler; data-item slots) after the
first cycle, then every N/10 cycles, the growth per cycle, and checks
i == calls and that the process runs v0 at the end.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # run from a checkout
from polusgen.demo import parse_report  # noqa: E402
from polusgen.inject.apply import apply_patch  # noqa: E402
from polusgen.inject.rollback import rollback_patch  # noqa: E402
from polusgen.inject.status import process_status  # noqa: E402
from tests.support.faults import build_fig2  # noqa: E402  (the Fig. 2 program and patch the tests use)
from tests.support.process import Target  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def maps_lines(pid: int) -> int:
    return len(Path(f"/proc/{pid}/maps").read_text().splitlines())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--workdir", type=Path)
    a = ap.parse_args()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="polus-cycles-"))
    work.mkdir(parents=True, exist_ok=True)
    fig = build_fig2(work)
    t = Target([fig.exe])
    try:
        t0 = time.monotonic()
        failures, first = 0, None
        every = max(a.cycles // 10, 1)
        print(f"{'cycles':>7} {'RSS KiB':>8} {'maps':>5} {'status bytes':>12} {'runtime records':>15} "
              f"{'item slots':>10} {'s':>7}")
        for k in range(1, a.cycles + 1):
            try:
                apply_patch(t.pid, fig.so, wait=0.0)
                rb = rollback_patch(t.pid, wait=5.0)
                if not rb.terminated:
                    failures += 1
            except Exception as e:          # counted and shown, the campaign goes on
                failures += 1
                print(f"cycle {k}: {e}")
            if k == 1 or k % every == 0:
                st = process_status(t.pid)          # (unloads the last rolled-back patch)
                mem = st.status.get("memory", {})
                row = (rss_kib(t.pid), maps_lines(t.pid), len(st.to_json()), mem.get("records", -1),
                       mem.get("item_slots", -1))
                first = first or row
                print(f"{k:>7} {row[0]:>8} {row[1]:>5} {row[2]:>12} {row[3]:>15} {row[4]:>10} "
                      f"{time.monotonic() - t0:>7.1f}")
        r = parse_report(t.ask())
        mem = process_status(t.pid).status.get("memory", {})
        last = (rss_kib(t.pid), maps_lines(t.pid), 0, mem.get("records", -1), mem.get("item_slots", -1))
        n = max(a.cycles - 1, 1)
        print(f"{a.cycles} cycles, {failures} failed; now {r['version']}, i={r['i']} calls={r['calls']} "
              f"({'no write lost' if r['i'] == r['calls'] else 'WRITES LOST'})")
        print(f"after cycle 1 -> after cycle {a.cycles}: RSS {first[0]} -> {last[0]} KiB "
              f"({(last[0] - first[0]) / n * 1024:+.0f} bytes/cycle), maps {first[1]} -> {last[1]}, the "
              f"runtime's records {first[3]} -> {last[3]} bytes ({(last[3] - first[3]) / n:+.0f} bytes/cycle), "
              f"item slots {first[4]} -> {last[4]}")
    finally:
        t.stop()


if __name__ == "__main__":
    main()
