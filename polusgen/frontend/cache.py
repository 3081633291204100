"""On-disk cache of preprocessed+parsed translation units, keyed by content.

Key = sha256 of polusgen's version and frontend code, the fake headers, the
options, the TU's text and every program header in the version tree.  An
entry also records the headers it read from outside the tree (-I folders) with
their hashes, and is used only if they are unchanged.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import polusgen
from polusgen.resources import fake_libc_dir

FORMAT = 1


def cache_dir() -> Path:
    env = os.environ.get("POLUS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "polusgen"


def entries() -> list[Path]:
    """Every parse-cache entry (the folder also holds the runtime builds, under runtime/)."""
    return sorted(cache_dir().glob("[0-9a-f][0-9a-f]/*.pickle"))


def size(paths) -> int:
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def clear() -> tuple[int, int]:
    """Remove every parse-cache entry; (entries, bytes) removed."""
    paths = entries()
    freed = size(paths)
    for p in paths:
        p.unlink(missing_ok=True)
    for d in cache_dir().glob("[0-9a-f][0-9a-f]"):
        try:
            d.rmdir()
        except OSError:
            pass            # not empty: an entry written meanwhile
    return len(paths), freed


def _hash_files(paths, base: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.relative_to(base).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=None)
def _static_part() -> str:
    """polusgen's version, the frontend's own code (with the printer of its
    canonical texts, polusgen.csyntax, and the model whose objects are
    pickled) and the fake headers."""
    fake = fake_libc_dir()
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{FORMAT}:{polusgen.__version__}:{sys.version_info[:2]}".encode())
    h.update(_hash_files(sorted(here.glob("*.py")), here).encode())
    syntax = here.parent / "csyntax"
    h.update(_hash_files(sorted(syntax.glob("*.py")), syntax).encode())
    h.update(_hash_files([here.parent / "model.py"], here.parent).encode())
    h.update(_hash_files(sorted(p for p in fake.rglob("*") if p.is_file()), fake).encode())
    return h.hexdigest()


def tree_headers_hash(root: Path) -> str:
    """Every program header under the version root (names and contents)."""
    return _hash_files(sorted(p for p in root.rglob("*.h") if p.is_file()), root)


def file_hash(path: str) -> Optional[str]:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def unit_key(unit_name: str, text: bytes, options: Any, tree_hash: str) -> str:
    h = hashlib.sha256(_static_part().encode())
    h.update(repr(options).encode())
    h.update(tree_hash.encode())
    h.update(unit_name.encode() + b"\0")
    h.update(text)
    return h.hexdigest()


def load(key: str) -> Optional[bytes]:
    """The stored payload, or None (missing, corrupt or stale)."""
    path = cache_dir() / key[:2] / f"{key}.pickle"
    try:
        data = path.read_bytes()
        external, payload = pickle.loads(data)
    except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
        return None
    for hpath, digest in external:
        if file_hash(hpath) != digest:
            return None
    return payload


def store(key: str, payload: bytes, external_headers: list[str]) -> None:
    data = pickle.dumps(([(p, file_hash(p)) for p in external_headers], payload),
                        protocol=pickle.HIGHEST_PROTOCOL)
    write_whole(cache_dir() / key[:2] / f"{key}.pickle", data)


def write_whole(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (another polusgen may read it
    meanwhile); a cache that cannot be written is only slower."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
