"""Moving never-left activations (issue 13): how long after `apply` each one
moved, and what a transfer costs.

    python bench/bench_transfer.py [--runs R] [--workdir DIR]

The one-file Fig. 2 program (tests/transfer/fig2_single: bar and foo inlined
into the worker loops, report into main) is built twice from the same source,
`gcc -O2 -g` (transfer points) and `gcc -O2` (none), and each copy gets the
v1 patch made for it.  Per run, side by side: both copies are started, each
is applied once (in process, so no interpreter start-up), and we print

- when each activation moved, in ms after the apply began (the return
  address rewrite; the thread lands when its call returns: usleep(100) for
  workers, the next stdin line for main);
- threads stopped and the whole apply, with transfers and without
  (the difference is the stack walks and the 8-byte stores);
- how long after the apply main prints the new report (asked at once).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # run from a checkout

from polusgen.inject.apply import apply_patch  # noqa: E402

SRC = REPO / "tests" / "transfer" / "fig2_single"


def polusgen(*args) -> None:
    subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, check=True,
                   capture_output=True, text=True)


def prepare(work: Path, debug: bool) -> tuple[Path, Path]:
    tag = "g" if debug else "nog"
    exe = work / f"fig2_{tag}"
    subprocess.run(["gcc", "-O2", *(["-g"] if debug else []), "-o", str(exe), str(SRC / "v0.c"), "-lpthread"],
                   check=True)
    c = work / f"p_{tag}.polus.c"
    polusgen("diff", SRC / "v0.c", SRC / "v1.c", "--binary", exe, "-o", c, "--version-file", work / f"vf_{tag}.json")
    polusgen("build", c, "-o", work / f"p_{tag}.so")
    return exe, work / f"p_{tag}.so"


def one_run(exe: Path, so: Path) -> dict:
    p = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        p.stdout.readline()
        time.sleep(0.2)
        res = apply_patch(p.pid, so, wait=1.0)
        t = time.perf_counter()
        p.stdin.write("\n")
        p.stdin.flush()
        line = p.stdout.readline()
        report_ms = (time.perf_counter() - t) * 1000
        moved = [float(m.rsplit(", ", 1)[1].split()[0]) for m in res.moved]
        return {"stopped": res.stopped_ms, "total": res.total_ms, "moved": moved, "report_ms": report_ms,
                "v1": line.startswith("v1"), "not_moved": len(res.not_moved)}
    finally:
        p.kill()
        p.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", type=Path)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = a.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with_g, without = prepare(work, True), prepare(work, False)
        rows = {"-O2 -g (transfers)": [], "-O2 (none)": []}
        for _ in range(a.runs):
            for label, (exe, so) in zip(rows, (with_g, without)):
                rows[label].append(one_run(exe, so))
    print(f"{a.runs} runs each, the one-file Fig. 2 program (4 workers + main), PIE")
    print(f"{'build':<20} {'stopped ms':>11} {'apply ms':>9} {'moved':>6} {'moved at ms (median, max)':>27} "
          f"{'new report':>11}")
    for label, rs in rows.items():
        moved = [m for r in rs for m in r["moved"]]
        at = f"{statistics.median(moved):.1f}, {max(moved):.1f}" if moved else "-"
        print(f"{label:<20} {statistics.median(r['stopped'] for r in rs):>11.2f} "
              f"{statistics.median(r['total'] for r in rs):>9.1f} "
              f"{statistics.median(len(r['moved']) for r in rs):>6.0f} {at:>27} "
              f"{sum(r['v1'] for r in rs):>5}/{len(rs)} v1")
    g, n = (statistics.median(r["stopped"] for r in rs) for rs in rows.values())
    print(f"threads stopped, with transfers / without: {g / n:.2f}")


if __name__ == "__main__":
    main()
