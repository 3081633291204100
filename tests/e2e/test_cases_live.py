"""Every case under tests/cases/ whose expected.json has a "live" section is
really updated: v0 built with plain gcc -O2 and started, its answers
checked, the patch written against the binary, built with -Werror, applied,
the answers of v1 checked, rolled back, the answers of v0 checked again
(the state carries on through all three).

    "live": {"before": [[line, answer], ...], "after": [...], "rolled_back": [...]}

The program prints "ready" once, then answers each stdin line with one line.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import REPO, build_c, needs_gcc, needs_ptrace

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASES = REPO / "tests" / "cases"


def live_cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir()
                  if (p / "expected.json").is_file() and "live" in json.loads((p / "expected.json").read_text()))


def sources(version: Path) -> list[Path]:
    return sorted(version.glob("*.c")) if version.is_dir() else [version]


def exchange(t, pairs) -> None:
    for line, answer in pairs:
        assert t.ask(line) == answer


@pytest.mark.parametrize("name", live_cases())
def test_case_updated_live(name, tmp_path, targets):
    from polusgen.build import build_patch
    from polusgen.emit import write_patch
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.pipeline import load_changeset

    case = CASES / name
    live = json.loads((case / "expected.json").read_text())["live"]
    old, new = (case / "v0", case / "v1") if (case / "v0").is_dir() else (case / "v0.c", case / "v1.c")
    exe = build_c(sources(old), tmp_path / name)
    t = targets.start([exe])
    exchange(t, live["before"])

    cs = load_changeset(old, new, binary=exe, use_cache=False)
    patch_c = tmp_path / f"{name}.polus.c"
    write_patch(cs, patch_c, binary=exe, program=name)
    so = build_patch(patch_c)
    apply_patch(t.pid, so, wait=0.2)
    exchange(t, live["after"])
    rollback_patch(t.pid, wait=0.2)
    assert t.alive()
    exchange(t, live["rolled_back"])
