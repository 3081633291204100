"""Time a live update: how long every thread is stopped, the whole
`polusgen apply` command (interpreter start-up included), and rollback.

    python bench/bench_apply.py [--functions N] [--runs R] [--workdir DIR]

Two targets, both plain `gcc -O2` PIE with four busy threads:
  fig2   the paper's Fig. 2 program with the reference patch (2 redirects);
  manyN  a program of N small functions called in a loop, with a patch that
         redirects every one of them (default N = 100).
For each: R rounds of apply (in process) + rollback, then R runs of the
`polusgen apply` command in a fresh interpreter, each followed by a rollback.
Aims: threads stopped < 5 ms for 100 functions, `polusgen apply` < 150 ms.

Then the steady-state overhead after an update: bench/callloop.c (threads
calling a small non-inlined step() in a tight loop) is started twice, one
copy gets a patch whose new step() does the same work (made with `polusgen
diff` + `polusgen build`), and both copies' calls per second are sampled over
the same intervals, alternating which is read first; the ratio
patched/unpatched is the median over rounds (1.00 = no overhead).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # run from a checkout

from polusgen import elf  # noqa: E402
from tests.support.patches import redirect_patch  # noqa: E402  (the patch generator the tests use)

MANY_MAIN = r"""
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#define N %(n)d
volatile long acc;
long (*table[N])(long);
%(defs)s
static void *worker(void *arg) {
    long x = (long)arg;
    for (;;) { for (int k = 0; k < N; k++) x = table[k](x); acc += x; usleep(50); }
    return NULL;
}
int main(void) {
    pthread_t th[4]; char line[64];
    %(fill)s
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long t = 0; t < 4; t++) pthread_create(&th[t], NULL, worker, (void *)t);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) printf("%%ld\n", table[0](1));
    return 0;
}
"""

def build_many(d: Path, n: int) -> tuple[Path, Path]:
    defs = "\n".join(f"__attribute__((noinline)) long f{k}(long x) {{ return x * {k + 3} + (x >> 3) + {k}; }}"
                     for k in range(n))
    fill = " ".join(f"table[{k}] = f{k};" for k in range(n))
    (d / "many.c").write_text(MANY_MAIN % {"n": n, "defs": defs, "fill": fill})
    exe = d / "many"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(d / "many.c"), "-lpthread"], check=True)
    new = {f"f{k}": f"long f{k}_v1(long x) {{ return x * {k + 3} + (x >> 3) + {k} + 1; }}" for k in range(n)}
    so = redirect_patch(d, exe, "many-v1", new)
    return exe, so


def build_fig2(d: Path) -> tuple[Path, Path]:
    fig2 = REPO / "tests" / "cases" / "fig2" / "v0"
    exe = d / "fig2"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(fig2 / "ab.c"), str(fig2 / "main.c"), "-lpthread"], check=True)
    text = (REPO / "docs" / "patch-example.polus.c").read_text()
    text = text.replace(r'\"build_id\": null', r'\"build_id\": \"%s\"' % elf.build_id(exe))
    (d / "fig2.polus.c").write_text(text)
    so = d / "fig2.so"
    subprocess.run(["gcc", "-O2", "-fPIC", "-shared", f"-I{REPO / 'runtime'}", "-o", str(so),
                    str(d / "fig2.polus.c")], check=True)
    return exe, so


def start(exe: Path, *args: str) -> subprocess.Popen:
    p = subprocess.Popen([str(exe), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert p.stdout.readline().strip() == "ready"
    return p


def med(xs: list[float]) -> str:
    return f"{statistics.median(xs):7.2f} ms (min {min(xs):.2f}, max {max(xs):.2f})"


def bench(name: str, exe: Path, so: Path, runs: int) -> None:
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch

    p = start(exe)
    try:
        stopped, total, rb_total, rb_stopped, redirects, sampling = [], [], [], [], 0, []
        # polusgen.entry runs a whole apply command line without typer; the typer app
        # (what -h and usage errors go through) is what it saves
        commands = {"polusgen apply": [sys.executable, "-m", "polusgen"],
                    "through typer": [sys.executable, "-c",
                                               "import sys; from polusgen.cli import main; sys.exit(main(sys.argv[1:]))"]}
        cli: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(runs):
            res = apply_patch(p.pid, so, wait=0.0)
            stopped.append(res.stopped_ms)
            sampling.append(res.sample_stops_ms / max(res.rounds, 1))
            total.append(res.total_ms)
            redirects = len(res.redirects)
            t0 = time.perf_counter()
            rb = rollback_patch(p.pid, wait=0.0)
            rb_total.append((time.perf_counter() - t0) * 1000)
            rb_stopped.append(rb.stopped_ms)
        for _ in range(runs):
            for label, command in commands.items():
                t0 = time.perf_counter()
                r = subprocess.run([*command, "apply", str(p.pid), str(so), "--wait", "0"],
                                   cwd=REPO, capture_output=True, text=True)
                cli[label].append((time.perf_counter() - t0) * 1000)
                if r.returncode != 0:
                    raise SystemExit(f"{label} failed: {r.stderr}")
                rollback_patch(p.pid, wait=0.0)
        p.stdin.write("\n")
        p.stdin.flush()
        p.stdout.readline()
        assert p.poll() is None, "the target died"
    finally:
        p.kill()
        p.wait()
    print(f"{name} ({redirects} redirects, {runs} runs)")
    print(f"  every thread stopped (apply)   {med(stopped)}")
    print(f"  every thread stopped (1 sample){med(sampling)}")
    print(f"  apply_patch (in process)       {med(total)}")
    for label, xs in cli.items():
        print(f"  {label + ' (new process)':<31}{med(xs)}")
    print(f"  rollback_patch                 {med(rb_total)}")
    print(f"  every thread stopped (rollback){med(rb_stopped)}")


def build_callloop(d: Path) -> tuple[Path, Path]:
    """bench/callloop*.c as v0; v1 writes step() differently (same work); the patch the normal way."""
    from polusgen.build import build_patch
    from polusgen.pipeline import run_diff

    step = (REPO / "bench" / "callloop_step.c").read_text()
    for v, text in (("v0", step), ("v1", step.replace("x * 3 + (x >> 3) + 1", "(x >> 3) + x * 3 + 1"))):
        (d / v).mkdir(exist_ok=True)
        (d / v / "callloop.c").write_text((REPO / "bench" / "callloop.c").read_text())
        (d / v / "callloop_step.c").write_text(text)
    assert (d / "v1" / "callloop_step.c").read_text() != step
    exe = d / "callloop"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(d / "v0" / "callloop.c"), str(d / "v0" / "callloop_step.c"),
                    "-lpthread"], check=True)
    run_diff(d / "v0", d / "v1", output=d / "callloop.polus.c", report=False, binary=exe)
    return exe, build_patch(d / "callloop.polus.c", d / "callloop.so")


def count(p: subprocess.Popen) -> tuple[int, float]:
    p.stdin.write("\n")
    p.stdin.flush()
    return int(p.stdout.readline()), time.perf_counter()


def bench_overhead(exe: Path, so: Path, rounds: int, interval: float) -> None:
    from polusgen.inject.apply import apply_patch

    threads = str(max(1, (os.cpu_count() or 2) // 2))   # both copies busy, neither short of a CPU
    procs = []
    try:
        procs = [start(exe, threads), start(exe, threads)]
        plain, patched = procs
        res = apply_patch(patched.pid, so, wait=0.5)
        ratios, rates = [], {"patched": [], "unpatched": []}
        time.sleep(interval)   # settle after the update
        for r in range(rounds):
            order = [patched, plain] if r % 2 == 0 else [plain, patched]
            first = {id(p): count(p) for p in order}
            time.sleep(interval)
            last = {id(p): count(p) for p in order}
            rate = {id(p): (last[id(p)][0] - first[id(p)][0]) / (last[id(p)][1] - first[id(p)][1]) for p in order}
            rates["patched"].append(rate[id(patched)] / 1e6)
            rates["unpatched"].append(rate[id(plain)] / 1e6)
            ratios.append(rate[id(patched)] / rate[id(plain)])
        assert all(p.poll() is None for p in procs), "a target died"
    finally:
        for p in procs:
            p.kill()
            p.wait()
    print(f"steady state after an update (callloop: 2 copies x {threads} threads calling step(), "
          f"{len(res.redirects)} redirect in one copy, {rounds} rounds of {interval:.2f} s)")
    for label, xs in rates.items():
        print(f"  {label + ' calls/s':<31}{statistics.median(xs):7.1f} M (min {min(xs):.1f}, max {max(xs):.1f})")
    print(f"  ratio patched/unpatched        {statistics.median(ratios):7.3f} (min {min(ratios):.3f}, "
          f"max {max(ratios):.3f})")
    extra = int(threads) * (1e3 / statistics.median(rates["patched"]) - 1e3 / statistics.median(rates["unpatched"]))
    print(f"  extra time per call            {extra:7.2f} ns")
    print("  1.00 = no overhead; each call through the patch pays a jump plus the trampoline, a few ns")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--functions", type=int, default=100)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--rounds", type=int, default=8, help="steady-state sampling rounds")
    ap.add_argument("--interval", type=float, default=0.25, help="seconds per steady-state sample")
    a = ap.parse_args()
    d = a.workdir or Path(tempfile.mkdtemp(prefix="polus-bench-apply-"))
    d.mkdir(parents=True, exist_ok=True)
    from polusgen.inject.runtime_lib import runtime_library
    runtime_library()   # built once, outside the timings
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import polusgen.cli"], cwd=REPO, check=True)
    print(f"interpreter start + import polusgen.cli: {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import polusgen.inject.apply"], cwd=REPO, check=True)
    print(f"interpreter start + import polusgen.inject.apply: {(time.perf_counter() - t0) * 1000:.1f} ms")
    bench("fig2", *build_fig2(d), a.runs)
    bench(f"many{a.functions}", *build_many(d, a.functions), a.runs)
    bench_overhead(*build_callloop(d), a.rounds, a.interval)
    print("aims: threads stopped < 5 ms for 100 functions; polusgen apply < 150 ms")


if __name__ == "__main__":
    main()
