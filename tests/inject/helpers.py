"""Helpers shared by tests/inject and tests/e2e: build with gcc -O2, run a
program that answers one stdin line with one stdout line."""
from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Sequence

import pytest

from polusgen.demo import parse_report  # noqa: F401  (one parser of the Fig. 2 report line)

REPO = Path(__file__).resolve().parents[2]
FIG2 = REPO / "tests" / "cases" / "fig2"


def _ptrace_allowed() -> bool:
    try:
        return os.geteuid() == 0 or int(Path("/proc/sys/kernel/yama/ptrace_scope").read_text().strip()) <= 1
    except OSError:
        return True


needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
needs_ptrace = pytest.mark.skipif(not _ptrace_allowed(), reason="ptrace not allowed here")


def build_c(sources: Sequence[Path | str], out: Path, pie: bool = True, extra: Sequence[str] = ()) -> Path:
    """gcc -O2, nothing else that helps the injector (no frame pointers, no -rdynamic)."""
    flags = ["-pie", "-fPIE"] if pie else ["-no-pie", "-fno-pie"]
    subprocess.run(["gcc", "-O2", *flags, "-o", str(out), *map(str, sources), "-lpthread", *extra],
                   check=True, capture_output=True)
    return out


def build_so(source: Path | str, out: Path, include: Sequence[Path | str] = ()) -> Path:
    subprocess.run(["gcc", "-O2", "-fPIC", "-shared", *[f"-I{i}" for i in include], "-o", str(out), str(source)],
                   check=True, capture_output=True)
    return out


def eventually(probe, ok, timeout: float = 10.0, pause: float = 0.01):
    """probe() until ok(value): progress checks wait for the progress, however
    slowly a loaded machine schedules the target, instead of sleeping a fixed
    time and hoping.  Returns the value that passed."""
    deadline = time.monotonic() + timeout
    v = probe()
    while not ok(v):
        if time.monotonic() > deadline:
            raise AssertionError(f"still {v!r} after {timeout}s")
        time.sleep(pause)
        v = probe()
    return v


def moving_reports(t, keys=("calls",), n: int = 2) -> list[dict]:
    """n Fig. 2 report lines, each one asked for until every counter in `keys`
    has moved past the one before (or the version changed: the caller's
    assertion then says so)."""
    out = [parse_report(t.ask())]
    for _ in range(n - 1):
        prev = out[-1]
        out.append(eventually(lambda: parse_report(t.ask()),
                              lambda x: x["version"] != prev["version"] or all(x[k] > prev[k] for k in keys),
                              pause=0.02))
    return out


class Target:
    """A process driven line by line: ask() writes a line and reads the answer."""

    def __init__(self, argv: Sequence[str | Path], ready: str | None = "ready", timeout: float = 10.0):
        self.proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        if ready is not None:
            line = self.readline(timeout)
            assert line == ready, f"target did not start: {line!r}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def readline(self, timeout: float = 10.0) -> str:
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            raise AssertionError(f"no answer from pid {self.pid} within {timeout}s")
        return self.proc.stdout.readline().strip()

    def ask(self, line: str = "", timeout: float = 10.0) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.readline(timeout)

    def wait_reading_stdin(self, timeout: float = 5.0) -> None:
        """Wait until the main thread is blocked in read(0, ...) again.  ask()
        returns as soon as the answer is written, which may be before the
        program has finished the rest of that turn (released a lock, say)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                fields = Path(f"/proc/{self.pid}/task/{self.pid}/syscall").read_text().split()
            except OSError:
                fields = []
            if len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0:
                return
            time.sleep(0.001)
        raise AssertionError(f"pid {self.pid} did not go back to reading its stdin within {timeout}s")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except Exception:
                pass




@pytest.fixture
def targets():
    """Start processes with targets.start(...); every one is killed afterwards."""
    started: list[Target] = []

    class _Starter:
        def start(self, argv, **kw) -> Target:
            t = Target(argv, **kw)
            started.append(t)
            return t

    try:
        yield _Starter()
    finally:
        for t in started:
            t.stop()


@pytest.fixture(params=["pie", "nopie"])
def pie(request) -> bool:
    return request.param == "pie"


REDIRECT_PATCH = r"""
#include "polus.h"
POLUS_EXPORT struct polus_import polus_imports[%(n)d];
%(defs)s
POLUS_EXPORT int register_patch(void);
int register_patch(void)
{
    int p = polus_begin_patch("%(program)s", "%(name)s", 0, 1, POLUS_ABI_VERSION);
    if (p < 0) return -1;
%(regs)s
    return polus_end_patch(p) == 0 ? p : -1;
}
__attribute__((section(".polus_manifest"), used))
static const char polus_manifest[] = %(manifest)s;
"""


def redirect_patch(tmp: Path, exe: Path, name: str, new: dict[str, str], prelude: str = "") -> Path:
    """A patch that only redirects functions: `new` maps an old function name to
    the C definition of its new version, which must be called NAME_v1."""
    from polusgen.inject import elf
    from polusgen.manifest import Binary, Import, Manifest, NewFunction, OldFunction, Redirect

    names = list(new)
    m = Manifest(program=exe.name, name=name, from_version=0, to_version=1,
                 binary=Binary(path=str(exe), build_id=elf.build_id(exe)),
                 imports=[Import(n, "function") for n in names],
                 old_functions=[OldFunction(n, k) for k, n in enumerate(names)],
                 new_functions=[NewFunction(n, f"{n}_v1") for n in names],
                 redirects=[Redirect(k, k) for k in range(len(names))])
    defs = prelude + "\n" + "\n".join(f"POLUS_EXPORT {body}" for body in new.values())
    regs = "\n".join(
        f'    polus_map_function(p, polus_register_old_function(p, "{n}", polus_imports[{k}].addr, '
        f'polus_imports[{k}].size, 0), polus_register_new_function(p, "{n}", (void *){n}_v1, 0));'
        for k, n in enumerate(names))
    manifest = '"' + m.to_json().replace("\\", "\\\\").replace('"', '\\"') + '"'
    src = tmp / f"{name}.polus.c"
    src.write_text(REDIRECT_PATCH % {"n": len(names), "defs": defs, "program": exe.name, "name": name,
                                     "regs": regs, "manifest": manifest})
    return build_so(src, tmp / f"{name}.so", include=[REPO / "runtime"])
