"""Memory and mappings of a live process: /proc/PID/mem and /proc/PID/maps."""
from __future__ import annotations

import os
from typing import NamedTuple, Optional


class Mapping(NamedTuple):
    start: int
    end: int
    perms: str
    offset: int
    inode: int
    path: str     # "" for anonymous, "[stack]", "/usr/lib/.../libc.so.6", ...

    @property
    def executable(self) -> bool:
        return "x" in self.perms


def _state(path: str) -> str:
    try:
        with open(f"{path}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def proc_dir(pid: int) -> str:
    """/proc/PID, or the folder of a live thread of it when the leader is a
    zombie (main called pthread_exit: its maps, mem and exe are gone)."""
    d = f"/proc/{pid}"
    if _state(d) not in ("Z", "X"):
        return d
    try:
        for t in sorted(os.listdir(f"{d}/task"), key=int):
            if _state(f"{d}/task/{t}") not in ("Z", "X"):
                return f"{d}/task/{t}"
    except OSError:
        pass
    return d


def read_maps(pid: int) -> list[Mapping]:
    out = []
    with open(f"{proc_dir(pid)}/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = parts[0].split("-")
            path = parts[5].rstrip("\n") if len(parts) > 5 else ""
            if path.endswith(" (deleted)"):
                path = path[: -len(" (deleted)")]
            out.append(Mapping(int(lo, 16), int(hi, 16), parts[1], int(parts[2], 16), int(parts[4]), path))
    return out


def exe_path(pid: int) -> str:
    p = os.readlink(f"{proc_dir(pid)}/exe")
    return p[: -len(" (deleted)")] if p.endswith(" (deleted)") else p


def host_path(pid: int, path: str) -> str:
    """A path of the target as this process can open it (other mount namespaces
    are reached through /proc/PID/root)."""
    if os.path.exists(path):
        return path
    alt = f"{proc_dir(pid)}/root{path}"
    return alt if os.path.exists(alt) else path


def mapping_of(maps: list[Mapping], addr: int) -> Optional[Mapping]:
    for m in maps:
        if m.start <= addr < m.end:
            return m
    return None


def find_library(maps: list[Mapping], name: str) -> Optional[str]:
    """The path of a loaded object whose file name is `name` or starts with
    `name` followed by '.' or '-' (libc.so.6, libc-2.36.so for "libc")."""
    for m in maps:
        base = os.path.basename(m.path)
        if base == name or (m.path.startswith("/") and (base.startswith(name + ".") or base.startswith(name + "-"))):
            return m.path
    return None


def load_base(maps: list[Mapping], path: str, first_load_vaddr: int = 0) -> Optional[int]:
    """Where the object at `path` is loaded: the start of its offset-0 mapping
    minus the vaddr of its first PT_LOAD (0 for a non-PIE executable)."""
    real = os.path.realpath(path)
    starts = [m.start for m in maps if m.offset == 0 and (m.path == path or m.path == real)]
    if not starts:
        return None
    return min(starts) - first_load_vaddr


def loaded_paths(maps: list[Mapping]) -> list[str]:
    seen: dict[str, None] = {}
    for m in maps:
        if m.path.startswith("/"):
            seen.setdefault(m.path, None)
    return list(seen)


class Memory:
    """Read and write the target's memory through /proc/PID/mem (works on
    read-only code pages of a ptrace-stopped process)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.fd = os.open(f"{proc_dir(pid)}/mem", os.O_RDWR)

    def read(self, addr: int, n: int) -> bytes:
        data = os.pread(self.fd, n, addr)
        if len(data) != n:
            raise OSError(f"short read of {n} bytes at {addr:#x} in pid {self.pid}")
        return data

    def write(self, addr: int, data: bytes) -> None:
        n = os.pwrite(self.fd, data, addr)
        if n != len(data):
            raise OSError(f"short write of {len(data)} bytes at {addr:#x} in pid {self.pid}")

    def read_cstr(self, addr: int, limit: int = 65536) -> str:
        out = bytearray()
        while len(out) < limit:
            chunk = os.pread(self.fd, min(4096 - (addr + len(out)) % 4096, limit - len(out)), addr + len(out))
            if not chunk:
                break
            i = chunk.find(b"\0")
            if i >= 0:
                out += chunk[:i]
                break
            out += chunk
        return out.decode("utf-8", "replace")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
