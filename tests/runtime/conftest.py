"""Build the runtime library, the patches and the driver once per session.

The driver (rt_driver.c) plays both the target process and the injector: it
dlopens libpolus_rt.so and a patch exactly as the injector does, fills
polus_imports itself and calls the injector-facing entry points in-process.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from polusgen.build import CFLAGS, LDFLAGS
from polusgen.inject.runtime_lib import runtime_library
from polusgen.resources import runtime_dir
from tests.support.build import REPO, gcc

HERE = Path(__file__).resolve().parent
EXAMPLE = REPO / "docs" / "patch-example.polus.c"


@dataclass
class Run:
    returncode: int
    facts: dict[str, int] = field(default_factory=dict)
    statuses: list[dict] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)     # callback events, one entry per print
    stdout: str = ""
    stderr: str = ""

    @property
    def status(self) -> dict:
        return self.statuses[-1]


def ok(run: Run) -> Run:
    """The run, which must have exited 0."""
    assert run.returncode == 0, run.stderr
    return run


@dataclass
class Rig:
    runtime: Path
    driver: Path
    patches: dict[str, Path]

    def run(self, scenario: str, *patches: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> Run:
        paths = [str(self.patches[p]) for p in (patches or ("fig2",))]
        e = dict(os.environ)
        e.update(env or {})
        p = subprocess.run([str(self.driver), scenario, str(self.runtime), *paths],
                           capture_output=True, text=True, timeout=timeout, env=e)
        run = Run(p.returncode, stdout=p.stdout, stderr=p.stderr)
        for line in p.stdout.splitlines():
            if line.startswith("LOG "):
                run.logs.append(line[len("LOG "):])
            elif line.startswith("FACT "):
                _, name, value = line.split(" ", 2)
                run.facts[name] = int(value)
            elif line.startswith("STATUS "):
                run.statuses.append(json.loads(line[len("STATUS "):]))
        return run


@pytest.fixture(scope="session")
def rig(tmp_path_factory) -> Rig:
    out = tmp_path_factory.mktemp("rt")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLUS_CACHE_DIR", str(out / "cache"))
        lib = runtime_library()
    inc = f"-I{runtime_dir()}"
    patches = {"fig2": EXAMPLE}
    for src in sorted(HERE.glob("patch_*.c")):
        patches[src.stem[len("patch_"):]] = src
    built = {}
    for name, src in patches.items():      # as polusgen build builds patches
        so = out / f"{name}.so"
        gcc(*CFLAGS, *LDFLAGS, inc, src, "-o", so)
        built[name] = so
    driver = out / "rt_driver"
    gcc("-O2", "-Wall", "-Werror", "-pthread", inc, str(HERE / "rt_driver.c"), "-o", str(driver), "-ldl")
    return Rig(lib, driver, built)
