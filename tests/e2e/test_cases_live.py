"""Every case under tests/cases/ whose expected.json has a "live" section is
really updated: v0 built with plain gcc -O2 and started, its answers
checked, the patch written against the binary, built with -Werror, applied,
the answers of v1 checked, rolled back, the answers of v0 checked again
(the state carries on through all three).

    "live": {"before": [[line, answer], ...], "after": [...], "rolled_back": [...]}

The program prints "ready" once, then answers each stdin line with one line.
"""
from __future__ import annotations

import pytest

from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import Case, cases

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


def live_cases() -> list[Case]:
    return [c for c in cases() if "live" in c.expected]


def exchange(t, pairs) -> None:
    for line, answer in pairs:
        assert t.ask(line) == answer


@pytest.mark.parametrize("case", live_cases(), ids=lambda c: c.name)
def test_case_updated_live(case: Case, tmp_path, targets):
    from polusgen.build import build_patch
    from polusgen.emit import write_patch
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.pipeline import load_changeset

    live = case.expected["live"]
    exe = build_c(case.sources(0), tmp_path / case.name)
    t = targets.start([exe])
    exchange(t, live["before"])

    cs = load_changeset(*case.pair(), binary=exe, use_cache=False)
    patch_c = tmp_path / f"{case.name}.polus.c"
    write_patch(cs, patch_c, binary=exe, program=case.name)
    so = build_patch(patch_c)
    apply_patch(t.pid, so, wait=0.2)
    exchange(t, live["after"])
    rollback_patch(t.pid, wait=0.2)
    assert t.alive()
    exchange(t, live["rolled_back"])
