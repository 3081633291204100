"""Building test programs the way users build theirs: plain gcc -O2 (no frame
pointers, no -rdynamic), PIE or not."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

import pytest

REPO = Path(__file__).resolve().parents[2]


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




def gcc(*args: str | Path) -> None:
    """gcc with the given arguments; a failure shows gcc's own message."""
    r = subprocess.run(["gcc", *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"gcc {' '.join(map(str, args))} failed:\n{r.stderr}")


def exported(path: Path) -> set[str]:
    """The names a shared library defines in .dynsym (what dlsym finds)."""
    from polusgen import elf

    return {s.name for s in elf.ElfFile(path).symbols(".dynsym") if s.defined and s.name}


def has_symbol(path: Path, name: str) -> bool:
    """Whether the binary kept a .symtab symbol `name` (gcc -O2 may inline it away)."""
    from polusgen import elf

    return any(s.name == name and s.defined for s in elf.ElfFile(path).symbols(".symtab"))
