"""Moving never-left activations (issue 13): how long after `apply` each one
is armed to move to the new code, and after `rollback` back to the old code,
and what it costs.

    python bench/bench_transfer.py [--runs R] [--workdir DIR]

The one-file Fig. 2 program (tests/transfer/fig2_single: bar and foo inlined
into the worker loops, report into main) is built twice from the same source,
`gcc -O2 -g` (transfer points) and `gcc -O2` (none), and each copy gets the
v1 patch made for it.  Per run, side by side: both copies are started, each
is applied once and rolled back once (in process, so no interpreter
start-up), and we print, for the apply and for the rollback:

- when each activation was armed, in ms after the step began (the return
  address rewrite; the thread moves when its call returns: usleep(100) for
  workers, the next stdin line for main);
- threads stopped and the whole step, with transfers and without
  (the difference is the stack walks and the 8-byte stores; for the
  rollback also the back sites written into the patch);
- how long after the step main prints the report of the version it moved
  to (asked at once: its fgets returns into the landing).
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
from polusgen.inject.rollback import rollback_patch  # noqa: E402

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

    def report_after() -> tuple[float, str]:
        t = time.perf_counter()
        p.stdin.write("\n")
        p.stdin.flush()
        line = p.stdout.readline()
        return (time.perf_counter() - t) * 1000, line

    try:
        p.stdout.readline()
        time.sleep(0.2)
        res = apply_patch(p.pid, so, wait=1.0)
        report_ms, line = report_after()
        time.sleep(0.2)
        rb = rollback_patch(p.pid, wait=1.0)
        back_ms, back_line = report_after()
        return {"stopped": res.stopped_ms, "total": res.total_ms, "armed": _at(res.armed), "report_ms": report_ms,
                "v1": line.startswith("v1"), "back_stopped": rb.stopped_ms, "back_total": rb.total_ms,
                "back_armed": _at(a for p_ in rb.patches for a in p_.armed), "back_report_ms": back_ms,
                "v0": back_line.startswith("v0") and rb.reached}
    finally:
        p.kill()
        p.wait()


def _at(lines) -> list[float]:
    """"F in thread T (after C), N ms after the apply began" -> N."""
    return [float(m.rsplit(", ", 1)[1].split()[0]) for m in lines]


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
    print(f"{a.runs} runs each, the one-file Fig. 2 program (4 workers + main), PIE: apply, then rollback")
    print(f"{'build':<20} {'step':<9} {'stopped ms':>11} {'ms':>7} {'armed':>6} {'armed at ms (median, max)':>27} "
          f"{'next report':>12}")
    for label, rs in rows.items():
        for step, pre, ok in (("apply", "", "v1"), ("rollback", "back_", "v0")):
            armed = [m for r in rs for m in r[pre + "armed"]]
            at = f"{statistics.median(armed):.1f}, {max(armed):.1f}" if armed else "-"
            print(f"{label:<20} {step:<9} {statistics.median(r[pre + 'stopped'] for r in rs):>11.2f} "
                  f"{statistics.median(r[pre + 'total'] for r in rs):>7.1f} "
                  f"{statistics.median(len(r[pre + 'armed']) for r in rs):>6.0f} {at:>27} "
                  f"{sum(r[ok] for r in rs):>6}/{len(rs)} {ok}")
    for step, pre in (("apply", ""), ("rollback", "back_")):
        g, n = (statistics.median(r[pre + "stopped"] for r in rs) for rs in rows.values())
        print(f"threads stopped by the {step}, with transfers / without: {g / n:.2f}")
    rep = [r["report_ms"] for r in rows["-O2 -g (transfers)"]] + [r["back_report_ms"] for r in rows["-O2 -g (transfers)"]]
    print(f"main's next report after the apply or the rollback (it moves at that fgets): median "
          f"{statistics.median(rep):.2f} ms, max {max(rep):.2f} ms")


if __name__ == "__main__":
    main()
