"""Step 4b (with the running binary): file-scope statics the binary has no storage for.

gcc -O2 keeps a static that is only written, or never written (a constant),
in registers or folds it away: the running program has no symbol, and no
memory, for it.  A patch cannot import it, and there is nothing to share with
the old code: the patch owns its own copy, initialized as the new source says.
Such a global is therefore *added* (with the reason) when the patch's code
uses it, or when it changed (there is no old copy to carry over).  A static
whose live version is in an earlier patch's library has storage there.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Optional

from polusgen import elf
from polusgen.model import ChangeSet, Status

from .inlining import read_symbols

if TYPE_CHECKING:
    from polusgen.versionfile import VersionFile

REASON = ("no storage in the running binary (gcc kept it in registers or folded it away): "
          "nothing to share, the patch owns its copy")


def own_unstored_statics(cs: ChangeSet, binary: Path, version_file: Optional[VersionFile] = None) -> None:
    from polusgen.versionfile import vf_key

    data = read_symbols(Path(binary), (elf.STT_OBJECT, elf.STT_TLS))
    if not data:
        return                  # stripped: no-symbols is warned about by step 4
    stored = {(s.name.split(".")[0], PurePosixPath(s.file).name if s.file else None) for s in data}
    used: set[str] = set()
    for ch in cs.functions.values():
        if ch.new is not None and ch.status in (Status.CHANGED, Status.ADDED):
            used |= ch.new.reads | ch.new.writes
    for key, ch in cs.globals.items():
        g = ch.old
        if g is None or ch.new is None or not g.static or g.extern_only:
            continue
        if ch.status is not Status.CHANGED and not (ch.status is Status.UNCHANGED and key in used):
            continue
        rec = version_file.lookup("globals", vf_key(g)) if version_file is not None else None
        if (rec is not None and rec.lib is not None) or (g.name, PurePosixPath(g.file).name) in stored:
            continue
        ch.status = Status.ADDED
        ch.reasons.append(REASON)
