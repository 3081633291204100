"""Stack samples of a running target, for tests that check what they show."""
from __future__ import annotations

from pathlib import Path

from polusgen import elf
from polusgen.inject import procmem, stacks
from polusgen.inject import ptrace as pt


def samples_of(pid: int, use_libunwind: bool) -> dict[int, list[int]]:
    """Every thread's sample, taken with all of them stopped a moment."""
    tr = pt.Tracer(pid)
    tr.attach()
    mem = procmem.Memory(pid)
    try:
        return stacks.sample_threads(tr, mem, use_libunwind=use_libunwind)
    finally:
        tr.detach_all()
        mem.close()


def function_range(pid: int, exe: Path, name: str) -> tuple[int, int]:
    """Where function `name` of `exe` lies in process `pid`."""
    e = elf.ElfFile(exe)
    base = procmem.load_base(procmem.read_maps(pid), str(exe), e.first_load_vaddr)
    sym = e.find(name)
    return base + sym.value, base + sym.value + sym.size
