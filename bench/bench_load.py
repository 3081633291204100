"""Time the frontend on a pair of versions: cold (empty cache) and warm.

    python bench/bench_load.py OLD NEW [--repeat N] [--jobs N]

OLD and NEW are version folders (or .c files / compile_commands.json).  The
cache lives in a temporary folder of its own (POLUS_CACHE_DIR), so the user's
cache is neither used nor touched.  Prints one line per measurement and the
figures the frontend is held to (cold pair < 5 s, warm pair < 1 s).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best is kept)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes for cold runs (POLUS_JOBS)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="polus-bench-cache-"))
    os.environ["POLUS_CACHE_DIR"] = str(tmp)
    if args.jobs is not None:
        os.environ["POLUS_JOBS"] = str(args.jobs)
    from polusgen.frontend import load_program

    def cpu() -> float:
        t = os.times()      # children: the worker processes, once they are gone
        return t.user + t.system + t.children_user + t.children_system

    def pair() -> tuple[float, float, tuple, float]:
        c0 = cpu()
        t0 = time.perf_counter()
        a = load_program(args.old)
        t1 = time.perf_counter()
        b = load_program(args.new)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, (a, b), cpu() - c0

    try:
        cold, warm = [], []
        for _ in range(max(1, args.repeat)):
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            cold.append(pair())
            warm.append(pair())
        a, b = cold[0][2]
        for label, p in (("old", a), ("new", b)):
            print(f"{label}: {p.root}: {len(p.files)} TUs, {len(p.types)} types, "
                  f"{len(p.globals)} globals, {len(p.functions)} functions")
        best_cold = min(cold, key=lambda r: r[0] + r[1])
        best_warm = min(warm, key=lambda r: r[0] + r[1])
        print(f"cold: old {best_cold[0]:.3f} s  new {best_cold[1]:.3f} s  pair {best_cold[0] + best_cold[1]:.3f} s"
              f"  cpu {best_cold[3]:.2f} s  (best of {len(cold)}, {os.environ.get('POLUS_JOBS') or os.cpu_count()} jobs)")
        print(f"warm: old {best_warm[0]:.3f} s  new {best_warm[1]:.3f} s  pair {best_warm[0] + best_warm[1]:.3f} s"
              f"  cpu {best_warm[3]:.2f} s  (best of {len(warm)})")
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
              f"(wall times stretch with it; cpu times much less)")
        print(f"warm/cold: {(best_warm[0] + best_warm[1]) / (best_cold[0] + best_cold[1]):.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
