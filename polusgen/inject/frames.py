"""Where the signal frame of a borrowed or parked thread goes (remote.py).

Not on the thread's own stack: a thread stopped inside a handler that runs
on a small alternate signal stack has less room below its stack pointer
than a frame takes (3 KiB with AVX-512 state), let alone a callee such as
dlopen.  Each thread gets a slot of its own in an area we map once in the
target (anonymous, never unmapped: it outlives us, and unloading a patch
does not touch it); the frame sits at the slot's top and the callee runs
below it.  rt_sigreturn takes the stack pointer back from the frame, so the
thread returns to its own stack whether or not we are still alive.

An area starts with a header: AREA_MAGIC, the next area's address (0: the
last), the number of slots, their size, and per slot the tid that owns it
and a busy count -- the frames in it a thread may still return through.
We add one with each frame; the landing stub takes it back just before its
rt_sigreturn; we put it back ourselves when we put a thread back ourselves.
A slot is used only by its own thread: from its top when nothing in it is
busy, below the thread's stack pointer when the thread is inside it (it was
left there by an injector that died), never when it is busy with the thread
elsewhere (in a handler on its altstack that interrupted the slot's
callee: the thread gets another slot).  A slot whose thread has exited is
free for another thread.  The first area's address is kept in the landing
page (remote.py), which a later command finds.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from polusgen.inject import abi, procmem

LANDING_MAGIC = b"polusgen landing"     # the landing page starts with it; the stub follows
RESTORE_RT = bytes.fromhex("48c7c00f0000000f05")     # glibc's __restore_rt, every handler's return address
AREA_MAGIC = b"polusgen frames\0"
SLOTS = 16
SLOT_SIZE = 256 << 10       # a callee's stack (dlopen, a commit) and its frame; only touched pages cost
HEADER_SIZE = 4096
AREA_SIZE = HEADER_SIZE + SLOTS * SLOT_SIZE
_HEAD = struct.Struct("<16sQII")
_ENTRY = struct.Struct("<II")       # tid, busy


@dataclass
class Slot:
    top: int            # where the frame goes (16-aligned)
    busy_at: int        # the slot's busy count
    busy: int           # its value before this frame


def header(nslots: int = SLOTS, slot_size: int = SLOT_SIZE) -> bytes:
    return _HEAD.pack(AREA_MAGIC, 0, nslots, slot_size)


class Areas:
    """The frame areas of one process, read through `mem`."""

    def __init__(self, pid: int, mem: procmem.Memory, first: int):
        self.pid = pid
        self.mem = mem
        self.first = first

    def _slots(self):
        """(entry address, slot base, slot size, tid, busy) of every slot; the
        last area's address."""
        out, area, last = [], self.first, self.first
        while area:
            magic, nxt, n, size = _HEAD.unpack(self.mem.read(area, _HEAD.size))
            if magic != AREA_MAGIC:
                break
            table = self.mem.read(area + _HEAD.size, n * _ENTRY.size)
            for k in range(n):
                tid, busy = _ENTRY.unpack_from(table, k * _ENTRY.size)
                out.append((area + _HEAD.size + k * _ENTRY.size, area + HEADER_SIZE + k * size, size, tid, busy))
            last, area = area, nxt
        return out, last

    def _free(self, owner: int) -> bool:
        return owner == 0 or not os.path.exists(f"/proc/{self.pid}/task/{owner}")

    def ensure(self, tids: Sequence[int], map_area: Callable[[], int]) -> None:
        """Enough slots for threads `tids` (one each), mapping one more area
        (map_area(), a remote call) when there are not: before any of them
        is given a frame."""
        slots, last = self._slots()
        have = sum(1 for s in slots if s[3] in tids or self._free(s[3]))
        if have >= len(tids):
            return
        new = map_area()
        if new:
            self.mem.write(new, header())
            self.mem.write(last + 16, struct.pack("<Q", new))     # the last area's next

    def place(self, tid: int, rsp: int, red_zone: int) -> Optional[Slot]:
        """The slot thread `tid` (stopped, its stack pointer at `rsp`) gets a
        frame in (None: every slot is taken)."""
        slots, _ = self._slots()
        mine = [s for s in slots if s[3] == tid]
        for at, base, size, _, busy in mine:
            if base <= rsp < base + size:
                # inside it already (left there by an injector that died): below what it uses
                return Slot((rsp - red_zone) & ~0xF, at + 4, busy)
        for at, base, size, _, busy in mine:
            if busy == 0:
                return Slot(base + size, at + 4, 0)
        for at, base, size, owner, _ in slots:
            if self._free(owner):
                self.mem.write(at, _ENTRY.pack(tid, 0))
                return Slot(base + size, at + 4, 0)
        return None

    def busy(self, slot: Slot, value: int) -> None:
        self.mem.write(slot.busy_at, struct.pack("<I", value))


_MC = abi.SigFrame.uc.offset + abi.UContext.uc_mcontext.offset
_RIP, _RSP = _MC + abi.SigContext.rip.offset, _MC + abi.SigContext.rsp.offset


def is_landing(mem: procmem.Memory, addr: int) -> bool:
    """addr is a landing stub: a frame's return address (the stub starts
    right after LANDING_MAGIC, at the start of its page)."""
    if addr & 0xFFF != len(LANDING_MAGIC):
        return False
    try:
        return mem.read(addr - len(LANDING_MAGIC), len(LANDING_MAGIC)) == LANDING_MAGIC
    except OSError:
        return False


def is_restorer(mem: procmem.Memory, addr: int) -> bool:
    """addr is libc's sigreturn trampoline: the return address of a
    handler's frame that the kernel built."""
    try:
        return mem.read(addr, len(RESTORE_RT)) == RESTORE_RT
    except OSError:
        return False


def slot_end(mem: procmem.Memory, start: int, addr: int) -> Optional[int]:
    """The end of the slot holding addr, if the mapping starting at `start`
    is a frame area (past it lie other threads' slots)."""
    try:
        magic, _, _, size = _HEAD.unpack(mem.read(start, _HEAD.size))
    except OSError:
        return None
    if magic != AREA_MAGIC or addr < start + HEADER_SIZE or not size:
        return None
    return start + HEADER_SIZE + ((addr - start - HEADER_SIZE) // size + 1) * size


def resumes(mem: procmem.Memory, frame_at: int) -> Optional[tuple[int, int]]:
    """(rip, rsp) that the frame at frame_at (its return address) resumes the
    thread at: where a stack goes on past a borrowed or parked thread's frame."""
    try:
        raw = mem.read(frame_at, _RIP + 8)
    except OSError:
        return None
    return struct.unpack_from("<Q", raw, _RIP)[0], struct.unpack_from("<Q", raw, _RSP)[0]
