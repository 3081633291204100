"""Stack samples on gcc -O2 code without frame pointers: libunwind and the scan."""
from __future__ import annotations

from pathlib import Path

import pytest

from polusgen.inject import stacks
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.stacks import function_range, samples_of

PROGS = Path(__file__).parent / "progs"
pytestmark = [needs_gcc, needs_ptrace]


def functions_on(sample, ranges):
    found = set()
    for j, pc in enumerate(sample):
        pc = pc if j == 0 else pc - 1
        for name, (lo, hi) in ranges.items():
            if lo <= pc < hi:
                found.add(name)
    return found


@pytest.mark.parametrize("use_libunwind", [True, False], ids=["libunwind", "scan"])
def test_parked_threads_show_every_frame(tmp_path, targets, pie, use_libunwind):
    if use_libunwind and stacks.libunwind() is None:
        pytest.skip("libunwind-ptrace is not installed")
    exe = build_c([PROGS / "deep.c"], tmp_path / "deep", pie=pie)
    t = targets.start([exe])
    ranges = {n: function_range(t.pid, exe, n) for n in ("deep1", "deep2", "deep3", "spin", "main")}
    samples = samples_of(t.pid, use_libunwind)
    assert len(samples) == 4
    seen = [functions_on(s, ranges) for s in samples.values()]
    assert sum({"deep1", "deep2", "deep3"} <= s for s in seen) == 2
    assert any("spin" in s for s in seen)
    assert sum("main" in s for s in seen) == 1
    if use_libunwind:     # exact: nothing else from our program appears
        for s in seen:
            assert s in ({"deep1", "deep2", "deep3"}, {"spin"}, {"main"}), seen
    assert t.ask().startswith("ok ")


def test_encode_samples_layout():
    raw = stacks.encode_samples({7: [0x10, 0x20], 9: [0x30]})
    words = [int.from_bytes(raw[i:i + 8], "little") for i in range(0, len(raw), 8)]
    assert words == [7, 2, 0x10, 0x20, 9, 1, 0x30]
