"""Build (once) and find the runtime library, libpolus_rt.so.

The injector dlopens this library into the target.  It is built from the C
sources of polusgen.resources.runtime_dir() with the same flags as
runtime/Makefile, into a cache folder keyed by a hash of those sources (and
of the compiler command), so an edit rebuilds and an unchanged tree reuses
the library.  The cache folder is $POLUS_CACHE_DIR or ~/.cache/polusgen.
Standard library only: the apply path imports this.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from polusgen.errors import BuildError
from polusgen.resources import runtime_dir

LIB_NAME = "libpolus_rt.so"
# keep in step with runtime/Makefile
CFLAGS = ["-O2", "-fPIC", "-shared", "-pthread", "-fvisibility=hidden",
          "-Wall", "-Wextra", "-Wno-unused-parameter"]
# -z now: our handlers run inside any code, even the dynamic linker's lazy
# binding (a .got.plt on a protected page): they must never go through it
# noseparate-code, norelro: fewer mappings for a fork server to copy (see
# polusgen/build.py's LDFLAGS)
LIBS = ["-ldl", "-Wl,-z,now", "-Wl,-z,noseparate-code", "-Wl,-z,norelro"]


def cache_root() -> Path:
    env = os.environ.get("POLUS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "polusgen"


def runtime_sources(src: Path | None = None) -> list[Path]:
    """The files the library is built from: every .c and .h of the runtime folder."""
    src = src or runtime_dir()
    return sorted(p for p in src.iterdir() if p.suffix in (".c", ".h") and p.is_file())


def sources_key(src: Path | None = None, cc: str = "gcc") -> str:
    h = hashlib.sha256()
    h.update(" ".join([cc, *CFLAGS, *LIBS]).encode())
    for p in runtime_sources(src):
        h.update(b"\0" + p.name.encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


def runtime_library(cc: str | None = None) -> Path:
    """Path of libpolus_rt.so built from the current runtime sources.

    Reuses the cached build when the sources have not changed; raises
    BuildError (with gcc's messages) when the build fails.
    """
    cc = cc or os.environ.get("CC") or "gcc"
    src = runtime_dir()
    key = sources_key(src, cc)
    out_dir = cache_root() / "runtime" / key
    lib = out_dir / LIB_NAME
    if lib.is_file():
        return lib
    if shutil.which(cc) is None:
        raise BuildError(f"cannot build the runtime library: compiler {cc!r} not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    csrc = [str(p) for p in runtime_sources(src) if p.suffix == ".c"]
    # build beside the final name, then rename: concurrent builders never see half a file
    fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=".so", dir=out_dir)
    os.close(fd)
    cmd = [cc, *CFLAGS, f"-I{src}", "-o", tmp, *csrc, *LIBS]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        os.unlink(tmp)
        raise BuildError(f"cannot run {cc}: {e}") from e
    if r.returncode != 0:
        os.unlink(tmp)
        raise BuildError(f"building {LIB_NAME} failed ({' '.join(cmd)}):\n{r.stderr.strip()}")
    os.replace(tmp, lib)
    return lib
