"""Stack samples of stopped threads, right on gcc -O2 code without frame pointers.

First choice: remote unwinding with libunwind-ptrace (it reads .eh_frame of
every object in the target).  Fallback: a conservative scan of the live stack
from rsp to the end of its mapping, keeping the words that point into an
executable mapping right after a call instruction (e8 rel32, ff /2 forms).

A sample is [pc, return address, return address, ...].  Samples only decide
what is active (and which bytes must not be overwritten); nothing is ever
written into a stack from them.  A thread inside a call we made (or parked
by an injector that died) runs on a slot of a frame area (frames.py), and a
thread in a handler may run on its altstack: a sample goes on past such a
signal frame (ours, or the kernel's for a handler) with the pc and the
stack it resumes.
"""
from __future__ import annotations

import ctypes
import os
from typing import Optional, Sequence

from polusgen.inject import frames as framemod
from polusgen.inject import procmem
from polusgen.inject import ptrace as pt

UNW_REG_IP = 16          # UNW_X86_64_RIP
UNW_REG_SP = 7           # UNW_X86_64_RSP
MAX_FRAMES = 256
SCAN_LIMIT = 512 * 1024  # bytes of stack the fallback scan reads at most


class _Libunwind:
    """libunwind-ptrace through ctypes, loaded once per interpreter."""

    def __init__(self):
        g = ctypes.CDLL("libunwind-x86_64.so.8", mode=ctypes.RTLD_GLOBAL)
        p = ctypes.CDLL("libunwind-ptrace.so.0", mode=ctypes.RTLD_GLOBAL)
        self.g, self.p = g, p
        g._Ux86_64_create_addr_space.restype = ctypes.c_void_p
        g._Ux86_64_create_addr_space.argtypes = [ctypes.c_void_p, ctypes.c_int]
        g._Ux86_64_destroy_addr_space.argtypes = [ctypes.c_void_p]
        g._Ux86_64_init_remote.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        g._Ux86_64_step.argtypes = [ctypes.c_void_p]
        g._Ux86_64_get_reg.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_uint64)]
        g._Ux86_64_flush_cache.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64]
        g._Ux86_64_set_caching_policy.argtypes = [ctypes.c_void_p, ctypes.c_int]
        p._UPT_create.restype = ctypes.c_void_p
        p._UPT_create.argtypes = [ctypes.c_int]
        p._UPT_destroy.argtypes = [ctypes.c_void_p]
        self.accessors = ctypes.addressof(ctypes.c_char.in_dll(p, "_UPT_accessors"))
        self.cursor = ctypes.create_string_buffer(8192)    # unw_cursor_t is ~1 KiB; be generous

    def addr_space(self) -> int:
        a = self.g._Ux86_64_create_addr_space(self.accessors, 0)
        if not a:
            raise OSError("unw_create_addr_space failed")
        self.g._Ux86_64_set_caching_policy(a, 1)     # UNW_CACHE_GLOBAL: unwind info found once per sample
        return a

    def walk(self, aspace: int, tid: int, sps: Optional[list[int]] = None) -> Optional[list[int]]:
        """The frames' IPs; `sps` (if given) gets each frame's stack pointer
        (a caller's is its callee's CFA: the return address is just below it)."""
        info = self.p._UPT_create(tid)
        if not info:
            return None
        try:
            cur = self.cursor
            if self.g._Ux86_64_init_remote(cur, aspace, info) < 0:
                return None
            out: list[int] = []
            ip, sp = ctypes.c_uint64(), ctypes.c_uint64()
            for _ in range(MAX_FRAMES):
                if self.g._Ux86_64_get_reg(cur, UNW_REG_IP, ctypes.byref(ip)) < 0:
                    break
                if ip.value == 0:
                    break
                if sps is not None:
                    if self.g._Ux86_64_get_reg(cur, UNW_REG_SP, ctypes.byref(sp)) < 0:
                        break
                    sps.append(sp.value)
                out.append(ip.value)
                if self.g._Ux86_64_step(cur) <= 0:
                    break
            return out
        finally:
            self.p._UPT_destroy(info)


_LU: Optional[_Libunwind] = None
_LU_FAILED = False
# False: always the conservative scan (POLUS_NO_LIBUNWIND=1 in the environment, or tests)
PREFER_LIBUNWIND = not os.environ.get("POLUS_NO_LIBUNWIND")


def libunwind() -> Optional[_Libunwind]:
    global _LU, _LU_FAILED
    if _LU is None and not _LU_FAILED and PREFER_LIBUNWIND:
        try:
            _LU = _Libunwind()
        except (OSError, AttributeError, ValueError):
            _LU_FAILED = True
    return _LU


# ---- fallback: conservative scan ----

def after_call(code: bytes) -> bool:
    """`code` is the 7 bytes before a candidate return address."""
    if code[2] == 0xE8:                                   # call rel32
        return True
    if code[5] == 0xFF and (0xD0 <= code[6] <= 0xD7 or (0x10 <= code[6] <= 0x17 and code[6] not in (0x14, 0x15))):
        return True                                       # call *%reg / call *(%reg)
    if code[4] == 0xFF and 0x50 <= code[5] <= 0x57 and code[5] != 0x54:
        return True                                       # call *disp8(%reg)
    if code[3] == 0xFF and code[4] == 0x54:
        return True                                       # call *disp8(%reg,%reg,s)
    if code[1] == 0xFF and (code[2] == 0x15 or (0x90 <= code[2] <= 0x97 and code[2] != 0x94)):
        return True                                       # call *disp32(%rip) / *disp32(%reg)
    if code[0] == 0xFF and code[1] in (0x14, 0x94):
        return True                                       # call *disp32(,%reg,s) and sib forms
    if code[4] == 0xFF and code[5] == 0x14:
        return True                                       # call *(%reg,%reg,s)
    return False


def _overlay(code: bytes, start: int, originals: Sequence[tuple[int, bytes]]) -> bytes:
    """`code` read at `start`, with the bytes our jumps overwrote put back."""
    end = start + len(code)
    for at, orig in originals:
        if at < end and at + len(orig) > start:
            b = bytearray(code)
            for k, byte in enumerate(orig):
                if start <= at + k < end:
                    b[at + k - start] = byte
            code = bytes(b)
    return code


MAX_STACKS = 8      # stacks one sample goes on to, past signal frames


def scan_stack(mem: procmem.Memory, maps: list[procmem.Mapping], regs: pt.Regs,
               originals: Sequence[tuple[int, bytes]] = ()) -> list[int]:
    """Words of the live stack that follow a call instruction, judged on the
    original code (`originals`: the bytes under our jumps; a jump can cover
    the start of a call whose return address is on a stack); past a signal
    frame, the pc it resumes, and the stack it resumes on when that is
    another one (the scan goes on above the frame too: a stale word that
    looks like a frame adds to the sample, never hides the rest of it)."""
    out = [regs.rip]
    execs = [m for m in maps if m.executable]
    cache: dict[int, bytes] = {}
    kinds: dict[int, bool] = {}     # word -> a signal frame's return address
    todo, done = [regs.rsp], 0
    while todo and done < MAX_STACKS:
        rsp = todo.pop(0)
        done += 1
        scanned = _scan_from(mem, maps, execs, rsp, originals, cache, kinds, out)
        if scanned is None:
            continue
        (lo, hi), resumed = scanned
        for rip, at in resumed:
            out.append(rip)
            if not lo <= at < hi:
                todo.append(at)
    return out


def _scan_from(mem, maps, execs, rsp: int, originals, cache: dict[int, bytes], kinds: dict[int, bool],
               out: list[int]):
    """Scan one stack from rsp up (to the end of its slot, in a frame area),
    appending to `out`; returns the range scanned and the (pc, stack
    pointer) each signal frame in it resumes."""
    stack = procmem.mapping_of(maps, rsp)
    if stack is None:
        return None
    end = min(stack.end, rsp + SCAN_LIMIT, framemod.slot_end(mem, stack.start, rsp) or stack.end)
    start = rsp & ~7
    try:
        raw = mem.read(start, end - start)
    except OSError:
        return None
    resumed = []
    for off in range(0, len(raw) - 7, 8):
        w = int.from_bytes(raw[off:off + 8], "little")
        if w < 0x10000:
            continue
        m = next((m for m in execs if m.start + 7 <= w < m.end), None)
        if m is None:
            continue
        frame = kinds.get(w)
        if frame is None:
            frame = kinds[w] = framemod.is_landing(mem, w) if not m.path else framemod.is_restorer(mem, w)
        if frame:
            past = framemod.resumes(mem, start + off)
            if past:
                resumed.append(past)
            continue
        code = cache.get(w)
        if code is None:
            try:
                code = cache[w] = _overlay(mem.read(w - 7, 7), w - 7, originals)
            except OSError:
                continue
        if after_call(code):
            out.append(w)
    return (start, end), resumed


def sample_threads(tracer: pt.Tracer, mem: procmem.Memory, use_libunwind: Optional[bool] = None,
                   originals=lambda: ()) -> dict[int, list[int]]:
    """{tid: [pc, return addresses...]} of every stopped thread.  `originals()`
    gives the bytes under our jumps, asked for only if the scan is used."""
    use_libunwind = PREFER_LIBUNWIND if use_libunwind is None else use_libunwind
    lu = libunwind() if use_libunwind else None
    out: dict[int, list[int]] = {}
    maps = None
    aspace = _addr_space(lu, tracer.pid) if lu else None
    for tid, st in tracer.threads.items():
        regs = st.regs or tracer.refresh_regs(tid)
        sps: list[int] = []
        frames = lu.walk(aspace, tid, sps) if lu else None
        past = None
        at = next((k for k, a in enumerate(frames or ()) if k and framemod.is_landing(mem, a)), None)
        if at is not None:
            # the walk cannot unwind our landing stub (no unwind info): go on past its frame
            past = framemod.resumes(mem, sps[at] - 8)
            del frames[at:]
        if not frames or past:
            if maps is None:
                maps = procmem.read_maps(tracer.pid)
                under = list(originals())
            if past:
                resumed = regs.copy()
                resumed.rip, resumed.rsp = past
                frames += scan_stack(mem, maps, resumed, under)
            else:
                frames = scan_stack(mem, maps, regs, under)
        if frames[0] != regs.rip:
            frames.insert(0, regs.rip)
        out[tid] = frames
    return out


_SPACES: dict[int, tuple[int, frozenset]] = {}


def _addr_space(lu: _Libunwind, pid: int) -> int:
    """One libunwind address space per target, its cache of unwind info kept
    while /proc/PID/maps stays the same (a dlopen or mmap flushes it)."""
    with open(f"{procmem.proc_dir(pid)}/maps", "rb") as f:
        code = frozenset(line for line in f.read().splitlines() if b"x" in line.split(None, 2)[1])
    cached = _SPACES.get(pid)
    if cached is None:
        if len(_SPACES) > 16:
            for old, (a, _) in list(_SPACES.items()):
                lu.g._Ux86_64_destroy_addr_space(a)
                del _SPACES[old]
        _SPACES[pid] = (lu.addr_space(), code)
    elif not cached[1] <= code:
        # code was unmapped (something else may load there): forget what was learnt;
        # code that only appeared (a patch, a trampoline page) leaves the rest valid
        lu.g._Ux86_64_flush_cache(cached[0], 0, 0)
        _SPACES[pid] = (cached[0], code)
    else:
        _SPACES[pid] = (cached[0], code)
    return _SPACES[pid][0]


def encode_samples(samples: dict[int, list[int]]) -> bytes:
    """The record polus_rt_progress reads: tid, n, pc[0..n-1] as uint64 each."""
    words: list[int] = []
    for tid, pcs in samples.items():
        words += [tid, len(pcs), *pcs]
    return b"".join((w & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little") for w in words)
