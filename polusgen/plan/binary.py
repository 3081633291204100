"""The running binary, as the plan reads it: its identity (the manifest
records which binary the patch was built for, and the injector refuses any
other) and the sizes of its function symbols (a changed static function with
none was inlined away; one shorter than a jump cannot take one)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

from polusgen import elf
from polusgen.errors import PolusError
from polusgen.manifest import Binary


def binary_identity(binary: Optional[Path]) -> Binary:
    if binary is None:
        return Binary()
    binary = Path(binary)
    if not binary.is_file():
        raise PolusError(f"{binary}: no such binary")
    bid = elf.build_id(binary)
    sha = None if bid else hashlib.sha256(binary.read_bytes()).hexdigest()
    return Binary(path=str(binary.resolve()), build_id=bid, sha256=sha)


def binary_function_symbols(binary: Path) -> Optional[dict[tuple[str, Optional[str]], int]]:
    """(name, source file basename or None) -> size of every defined function symbol; None if unreadable/stripped."""
    try:
        e = elf.ElfFile(binary)
    except (OSError, elf.ElfError):
        return None
    out = {(sym.name, os.path.basename(sym.file) if sym.file else None): sym.size
           for table in (".symtab", ".dynsym") for sym in e.symbols(table)
           if sym.type == elf.STT_FUNC and sym.defined}
    return out or None
