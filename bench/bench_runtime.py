"""The cost of one synchronized write against a plain write, side by side.

    python bench/bench_runtime.py [--writes N] [--runs R]

Builds libpolus_rt.so (polusgen.inject.runtime_lib), the reference patch
(docs/patch-example.polus.c) and bench/bench_sync_write.c, then runs the
benchmark R times and prints the median per-write cost of each kind and its
ratio to a plain write, all measured in the same process:
  plain   a write to an untracked global
  synced  a write to the old copy of a changed global (fault, single-step,
          re-protect, sync old -> new)
  back    a write to the new copy (sync new -> old)
  shared  false sharing: untracked data on a protected page (no sync)
Twice: with plain MOV stores emulated by the fault handler (the default: no
page is opened for the writing thread) and with POLUS_NO_EMULATE=1 (every
write opens the page and single-steps).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # run from a checkout


def build(out: Path) -> tuple[Path, Path, Path]:
    from polusgen.inject.runtime_lib import runtime_library
    from polusgen.resources import runtime_dir

    lib = runtime_library()
    inc = f"-I{runtime_dir()}"
    patch = out / "fig2.so"
    subprocess.run(["gcc", "-O2", "-fPIC", "-shared", inc,
                    str(ROOT / "docs" / "patch-example.polus.c"), "-o", str(patch)], check=True)
    exe = out / "bench_sync_write"
    subprocess.run(["gcc", "-O2", inc, str(ROOT / "bench" / "bench_sync_write.c"), "-o", str(exe), "-ldl"],
                   check=True)
    return lib, patch, exe


def run_once(lib: Path, patch: Path, exe: Path, writes: int, emulate: bool) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("POLUS_NO_EMULATE", None)
    if not emulate:
        env["POLUS_NO_EMULATE"] = "1"
    r = subprocess.run([str(exe), str(lib), str(patch), str(writes)], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"bench_sync_write failed ({r.returncode}): {r.stderr.strip()}")
    out = {}
    for line in r.stdout.splitlines():
        name, ns, _count = line.split()
        out[name] = float(ns)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writes", type=int, default=20000, help="trapped writes per measure")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="polus-bench-rt-") as tmp:
        lib, patch, exe = build(Path(tmp))
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _ in range(args.runs):
            # the two modes alternate run by run, so both see the same machine
            for emulate in (True, False):
                runs[emulate].append(run_once(lib, patch, exe, args.writes, emulate))
        med = {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in runs.items()}
    plain = statistics.median([med[True]["plain"], med[False]["plain"]])
    print(f"{args.runs} runs each, median; {args.writes} trapped writes per measure")
    print(f"{'write':<8} {'emulated ns':>12} {'x plain':>9} {'single-step ns':>15} {'x plain':>9}")
    for k in ("plain", "synced", "back", "shared"):
        e, t = med[True][k], med[False][k]
        print(f"{k:<8} {e:>12.1f} {e / plain:>9.0f} {t:>15.1f} {t / plain:>9.0f}")
    print(f"one synchronized write: {med[True]['synced'] / 1000:.1f} us emulated, "
          f"{med[False]['synced'] / 1000:.1f} us single-stepped "
          f"(= {med[True]['synced'] / plain:.0f} and {med[False]['synced'] / plain:.0f} plain writes)")

if __name__ == "__main__":
    main()
