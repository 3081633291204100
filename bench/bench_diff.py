"""Time `load both versions + compute the change set`, cold and warm.

    python bench/bench_diff.py OLD NEW [--runs N] [-I DIR] [-D NAME=VALUE]

cold: a fresh, empty parse-cache folder (every translation unit is
preprocessed and parsed); warm: the same cache folder again, filled by the
cold run.  Each measurement runs in its own Python process, so nothing is
remembered in memory between runs, and counts load+diff only (not the
interpreter start or the imports, which are timed apart).  Aims: cold < 5 s,
warm < 1 s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run from a checkout

# the frontend's cache folder is taken from the environment; setting all the
# names it may read keeps every measurement inside our temporary folder
CACHE_ENV = ("POLUS_CACHE_DIR", "POLUSGEN_CACHE_DIR", "XDG_CACHE_HOME")


def once(old: str, new: str, include: list[str], define: list[str]) -> dict:
    t0 = time.perf_counter()
    from polusgen.diff import compute_changeset
    from polusgen.frontend import load_program
    import polusgen.graph  # noqa: F401  (networkx: about 0.2 s of import)
    t1 = time.perf_counter()
    a = load_program(Path(old), include_dirs=tuple(include), defines=tuple(define), use_cache=True)
    b = load_program(Path(new), include_dirs=tuple(include), defines=tuple(define), use_cache=True)
    t2 = time.perf_counter()
    cs = compute_changeset(a, b)
    t3 = time.perf_counter()
    return {"import": t1 - t0, "load": t2 - t1, "diff": t3 - t2, "total": t3 - t1, "counts": cs.counts()}


def measure(args, cache: Path) -> dict:
    env = dict(os.environ)
    for name in CACHE_ENV:
        env[name] = str(cache)
    cmd = [sys.executable, __file__, "--once", args.old, args.new]
    for d in args.include:
        cmd += ["-I", d]
    for d in args.define:
        cmd += ["-D", d]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench run failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-I", dest="include", action="append", default=[])
    ap.add_argument("-D", dest="define", action="append", default=[])
    ap.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.once:
        print(json.dumps(once(args.old, args.new, args.include, args.define)))
        return

    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="polus-bench-cache-") as d:
            cold.append(measure(args, Path(d)))
            warm.append(measure(args, Path(d)))
    c = statistics.median(r["total"] for r in cold)
    w = statistics.median(r["total"] for r in warm)
    diff = statistics.median(r["diff"] for r in warm)
    imp = statistics.median(r["import"] for r in cold + warm)
    print(f"{args.old} -> {args.new}: {json.dumps(cold[0]['counts'])}")
    print(f"load+diff cold  {c:7.3f} s   (median of {args.runs}; aim < 5 s)")
    print(f"load+diff warm  {w:7.3f} s   (median of {args.runs}; aim < 1 s)")
    print(f"  of which diff {diff:7.3f} s;  imports {imp:.3f} s (not counted)")
    print(f"cold / warm     {c / w:7.1f} x")


if __name__ == "__main__":
    main()
