"""The files polusgen writes (patches, libraries, version files).

Each is written beside its target and renamed over it, so nobody ever reads
half a file and a failed step leaves the old file as it was; and only where a
regular file is, or nothing: `-o /dev/null` run as root must not replace the
device with a file (every later `> /dev/null` on the machine would fill it).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from polusgen.errors import PolusError
from polusgen.output import publish


@contextmanager
def replacing(path: Path, suffix: str = "", executable: bool = False) -> Iterator[Path]:
    """A temporary file beside `path`, renamed over it if the block ends
    without an error, removed in any case; with the mode the user's umask
    gives (temporary files are created 0600)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise PolusError(f"{path}: not a regular file: polusgen writes its output only to files")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        publish(tmp, path, executable)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    with replacing(path) as tmp:
        tmp.write_text(text)
    return Path(path)
