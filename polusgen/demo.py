"""`polusgen demo`: a live update you can watch.

The paper's Fig. 2 program runs four threads that increment ab.a.i through
bar() and foo() and count their own calls.  The demo builds version 0 with
plain `gcc -O2`, starts it, writes and builds the patch to version 1 (struct
A gains j), applies it while the threads run, shows that the new code runs
(j moves) and that no increment was lost (i equals the calls counted), then
rolls back and shows version 0 again, with the state carried back.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from polusgen.errors import PolusError
from polusgen.output import PipeSafe


class DemoError(PolusError):
    pass


class Fig2Process:
    """The running example: asks for a report by writing a line to its stdin."""

    def __init__(self, exe: Path):
        self.proc = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise DemoError(f"the example did not start: {line!r}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def report(self) -> str:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def parse_report(line: str) -> dict[str, int | str]:
    """"v1 i=10 j=3 calls=10" -> {"version": "v1", "i": 10, "j": 3, "calls": 10}."""
    parts = line.split()
    out: dict[str, int | str] = {"version": parts[0]}
    for p in parts[1:]:
        k, v = p.split("=")
        out[k] = int(v)
    return out


def build_example(src: Path, exe: Path) -> None:
    cfiles = sorted(str(p) for p in src.glob("*.c"))
    subprocess.run(["gcc", "-O2", "-o", str(exe), *cfiles, "-lpthread"], check=True)


def run_demo(workdir: Optional[Path] = None, use_cache: bool = True) -> None:
    from rich.console import Console

    from polusgen.build import build_patch
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status
    from polusgen.pipeline import run_diff
    from polusgen.resources import example_dir

    con = Console(highlight=False, file=PipeSafe(sys.stdout))
    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="polus-demo-"))
    tmp.mkdir(parents=True, exist_ok=True)
    for v in ("v0", "v1"):
        shutil.rmtree(tmp / v, ignore_errors=True)
        shutil.copytree(example_dir() / v, tmp / v)

    def step(text: str) -> None:
        con.print(f"\n[bold cyan]==>[/] {text}")

    def show(prog: Fig2Process, n: int = 3, pause: float = 0.2) -> dict:
        last = {}
        for _ in range(n):
            line = prog.report()
            con.print(f"    [green]{line}[/]")
            last = parse_report(line)
            time.sleep(pause)
        return last

    step(f"build version 0 with plain gcc -O2 in {tmp}")
    exe = tmp / "fig2"
    build_example(tmp / "v0", exe)
    prog = Fig2Process(exe)
    try:
        step(f"started fig2 (pid {prog.pid}): 4 threads call bar() -> foo(&ab.a) -> a->i++")
        show(prog)

        step("polusgen diff v0 v1 -o patch.polus.c --report   (struct A gains a member j)")
        patch_c = tmp / "patch.polus.c"
        run_diff(tmp / "v0", tmp / "v1", output=patch_c, report=True, verbose=False, json_out=None,
                 include=[], define=[], version_file=tmp / "fig2.versions.json", binary=exe,
                 program="fig2", user_code=None, use_cache=use_cache)
        step("polusgen build patch.polus.c -o patch.so")
        so = build_patch(patch_c, tmp / "patch.so")

        step(f"polusgen apply {prog.pid} patch.so   (while the threads run)")
        result = apply_patch(prog.pid, so, wait=0.5)
        con.print("    " + result.describe().replace("\n", "\n    "))
        after = show(prog, n=4)
        if after.get("version") != "v1" or after.get("i") != after.get("calls"):
            raise DemoError(f"after the update the program should run v1 with i == calls: {after}")
        con.print("    [bold]new code runs (j moves) and no increment was lost (i == calls)[/]")

        step(f"polusgen status {prog.pid}")
        con.print("    " + process_status(prog.pid).describe().replace("\n", "\n    "))

        step(f"polusgen rollback {prog.pid}")
        rb = rollback_patch(prog.pid, wait=0.5)
        con.print("    " + rb.describe().replace("\n", "\n    "))
        back = show(prog)
        if back.get("version") != "v0" or back.get("i") != back.get("calls"):
            raise DemoError(f"after the rollback the program should run v0 with i == calls: {back}")
        con.print("    [bold]version 0 again, state carried back (i == calls)[/]")
    finally:
        prog.stop()
    step(f"done; everything is in {tmp}")
