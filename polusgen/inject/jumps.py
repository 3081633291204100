"""Writing and taking back the jumps at old function entries.

A 5-byte `jmp rel32` when the new function is within +-2 GiB; otherwise the
rel32 jump goes to a trampoline (`jmp *0(%rip)` + 8-byte address) in a page
mapped near the old code; if no page can be found there, a 14-byte absolute
jump at the entry itself when the function is long enough.  Never through a
register: %rax carries the vector count of varargs calls.  A function shorter
than 5 bytes is refused (no fallback: its callers must be patched instead).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Optional

from polusgen.errors import InjectError
from polusgen.inject import procmem, remote

REL32_LEN = 5
ABS64_LEN = 14
TRAMP_SLOT = 16


def rel32_jump(at: int, target: int) -> Optional[bytes]:
    d = target - (at + REL32_LEN)
    if -(1 << 31) <= d < (1 << 31):
        return b"\xe9" + struct.pack("<i", d)
    return None


def abs64_jump(target: int) -> bytes:
    return b"\xff\x25\x00\x00\x00\x00" + struct.pack("<Q", target)


@dataclass
class Redirect:
    name: str           # old function
    new_name: str       # new symbol
    at: int
    size: int           # st_size of the old function
    target: int         # new function
    kind: str = ""      # "rel32" | "trampoline" | "abs64"
    code: bytes = b""
    orig: bytes = b""
    via: Optional[int] = None    # trampoline address

    @property
    def length(self) -> int:
        return len(self.code)

    def describe(self) -> str:
        how = {"rel32": "5-byte jmp rel32",
               "trampoline": f"5-byte jmp to a trampoline at {self.via:#x}" if self.via else "trampoline",
               "abs64": "14-byte jmp *0(%rip) absolute"}.get(self.kind, self.kind)
        return f"{self.name} ({self.at:#x}, {self.size} bytes) -> {self.new_name} ({self.target:#x}): {how}"


@dataclass
class Trampolines:
    """Trampoline slots: free ones of the pages mapped by earlier applies
    (the landing page's mapping, which they follow) first, then new pages.
    `used`: slots a patch still loaded in the process points at (a rolled-
    back one too: a thread may sit on its jump until it is unloaded)."""
    remote: remote.Remote
    mem: procmem.Memory
    used: set[int] = field(default_factory=set)
    reuse: bool = True
    pages: list[int] = field(default_factory=list)

    def _free_slots(self, page: int):
        start = page + (-(-remote.LANDING_SIZE // TRAMP_SLOT) * TRAMP_SLOT
                        if page + len(remote.LANDING_MAGIC) == self.remote.landing() else 0)
        for addr in range(start, page + 4096, TRAMP_SLOT):
            if addr not in self.used:
                yield addr

    def slot(self, near: int, target: int) -> Optional[int]:
        if self.reuse:
            self.reuse = False
            m = procmem.mapping_of(procmem.read_maps(self.remote.pid), self.remote.landing())
            if m is not None:
                self.pages += list(range(m.start, m.end, 4096))
        addr = next((a for page in self.pages if abs(page - near) < (1 << 31) - 4096
                     for a in self._free_slots(page)), None)
        if addr is None:
            try:
                page = self.remote.mmap_near(near)
            except remote.RemoteCallError:
                return None
            self.pages.append(page)
            addr = page
        self.used.add(addr)
        self.mem.write(addr, abs64_jump(target).ljust(TRAMP_SLOT, b"\xcc"))
        return addr


def trampolines_in_use(patches: list[dict]) -> set[int]:
    """The trampoline slots the jumps of these patches (status JSON) go to."""
    used = set()
    for p in patches:
        for r in p.get("redirects", []):
            code = bytes.fromhex(r.get("code", ""))
            if len(code) == REL32_LEN and code[0] == 0xE9:
                dest = int(r["at"], 16) + REL32_LEN + struct.unpack("<i", code[1:])[0]
                if dest != int(r["target"], 16):
                    used.add(dest)
    return used


def plan(r: Redirect, tramps: Trampolines) -> Redirect:
    """Choose the jump for `r` (fills kind/code/via); trampolines are written now
    (fresh memory nobody runs), the entry bytes are not."""
    if r.size < REL32_LEN:
        raise InjectError(f"{r.name} is only {r.size} bytes long, shorter than a {REL32_LEN}-byte jump: "
                          "it cannot be redirected (not applied; its callers must be changed instead)")
    code = rel32_jump(r.at, r.target)
    if code is not None:
        r.kind, r.code = "rel32", code
        return r
    via = tramps.slot(r.at, r.target)
    if via is not None:
        r.kind, r.code, r.via = "trampoline", rel32_jump(r.at, via), via
        return r
    if r.size >= ABS64_LEN:
        r.kind, r.code = "abs64", abs64_jump(r.target)
        return r
    raise InjectError(f"{r.name} ({r.size} bytes) is more than 2 GiB from {r.new_name} and no trampoline "
                      "page could be mapped near it")


def read_entry(r: Redirect, mem: procmem.Memory) -> None:
    """Read the bytes the jump will overwrite (code does not change while the
    threads run)."""
    r.orig = mem.read(r.at, r.length)


def overlaps(frames: list[int], ranges: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """What in one thread's sample points into bytes about to be overwritten:
    the PC strictly inside (at the entry it simply takes the jump), or a return
    address strictly inside (one equal to the entry follows a noreturn call of
    the function before)."""
    out = []
    for j, a in enumerate(frames):
        for lo, hi, name in ranges:
            if lo < a < hi:
                out.append(("pc" if j == 0 else "return address", name))
    return out
