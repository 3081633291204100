"""Moving never-left activations to the new code (the injector's side of
polusgen.transfer): a thread whose frame of a never-left function waits for a
callee to return to a usable transfer point gets that return address replaced
by the patch's landing entry for the point -- one 8-byte store into the stack
of a stopped thread, checked against the value the unwinder read, so an
injector that dies leaves either the old return address or the landing,
both valid.  Only libunwind's walk is trusted for this: never a scan's guess.
"""
from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field
from typing import Optional

from polusgen.inject import stacks


@dataclass
class Points:
    """Absolute addresses in the target: return address -> (function, callee, landing)."""
    at: dict[int, tuple[str, str, int]] = field(default_factory=dict)
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)   # key -> (address, size)

    @classmethod
    def of(cls, manifest, imports, psym) -> "Points":
        out = cls()
        where = {o.name: imports[o.import_index] for o in manifest.old_functions}
        for t in manifest.transfers:
            if t.function not in where:
                continue
            addr, size = where[t.function]
            out.functions[t.function] = (addr, size)
            out.at[addr + t.offset] = (t.function, t.callee, psym(t.symbol))
        return out


@dataclass
class Progress:
    started: float = field(default_factory=time.perf_counter)   # when the apply began
    moved: list[str] = field(default_factory=list)      # "F in thread T (after C), N ms after the apply began"
    waiting: dict[int, str] = field(default_factory=dict)   # tid -> why it has not moved yet


def move_stopped(s, points: Points, progress: Progress) -> None:
    """With every thread of the session stopped: move each activation that
    waits at a usable point; note the others."""
    progress.waiting.clear()
    if not points.at:
        return
    lu = stacks.libunwind()
    if lu is None:
        for tid in s.tracer.threads:
            progress.waiting[tid] = "libunwind is not available: stacks are not walked precisely enough to write"
        return
    aspace = stacks._addr_space(lu, s.pid)
    for tid in s.tracer.threads:
        sps: list[int] = []
        ips = lu.walk(aspace, tid, sps) or []
        for k, ip in enumerate(ips):
            fn = _function_at(points, ip)
            if fn is None:
                continue
            hit = points.at.get(ip) if k > 0 else None
            if hit is None:
                progress.waiting[tid] = f"{fn} is running its own code, not waiting in a call" if k == 0 else \
                    f"{fn} waits in a call that is no usable transfer point"
                continue
            slot = sps[k] - 8
            try:
                if struct.unpack("<Q", s.mem.read(slot, 8))[0] != ip:
                    progress.waiting[tid] = f"{fn}: the return address is not where the unwinder said"
                    continue
                s.mem.write(slot, struct.pack("<Q", hit[2]))
            except OSError as e:      # the update is in either way: this activation just stays old
                progress.waiting[tid] = f"{fn}: its stack could not be rewritten ({e})"
                continue
            ms = (time.perf_counter() - progress.started) * 1000
            progress.moved.append(f"{fn} in thread {tid} (after {hit[1]}), {ms:.1f} ms after the apply began")


def _function_at(points: Points, ip: int) -> Optional[str]:
    for key, (addr, size) in points.functions.items():
        if addr <= ip < addr + size:
            return key
    return None


def move_until(pid: int, points: Points, progress: Progress, wait: float, interval: float = 0.005) -> None:
    """Stop the process briefly, again and again, until every activation moved
    or `wait` seconds passed (a thread running the loop's own code between two
    calls is caught at its next call)."""
    from polusgen.inject.session import Session

    deadline = time.monotonic() + wait
    while progress.waiting and time.monotonic() < deadline:
        time.sleep(interval)
        with Session.brief(pid) as s:
            s.tracer.stop_all()
            move_stopped(s, points, progress)


def moved_into(s, lib_path: str) -> list[int]:
    """Threads (all stopped) running an activation moved to the code of the
    patch library at `lib_path`: a frame of polus_transfer_land whose callee
    is in that library."""
    from polusgen import elf as elfmod
    from polusgen.inject import procmem

    rt = s.runtime()
    if rt is None:
        return []
    base, e, _ = rt
    try:
        sym = e.find("polus_transfer_land", tables=(".dynsym",))
    except elfmod.SymbolLookupError:        # a runtime from before transfers: nothing moved
        return []
    lo, hi = base + sym.value, base + sym.value + max(sym.size, 1)
    real = os.path.realpath(lib_path)
    lib = [m for m in procmem.read_maps(s.pid) if m.path in (lib_path, real)]
    out = []
    for tid, frames in s.samples().items():
        if any(lo <= frames[k] < hi and any(m.start <= frames[k - 1] < m.end for m in lib)
               for k in range(1, len(frames))):
            out.append(tid)
    return out


def moved_activations(s, patch: str) -> list[int]:
    """Threads (all stopped) whose never-left activation moved to the code of
    the loaded patch named `patch` ([] if its manifest has no transfer points)."""
    from polusgen import elf as elfmod
    from polusgen.inject import procmem
    from polusgen.inject.session import loaded_patches

    path = loaded_patches(s.pid).get(patch)
    if path is None:
        return []
    try:
        if not elfmod.read_manifest(procmem.host_path(s.pid, path)).transfers:
            return []
    except (OSError, ValueError, elfmod.ElfError):
        return []
    return moved_into(s, path)


def disarm(s, patch: str) -> list[int]:
    """Before a rollback of `patch`, with every thread stopped: a return
    address that still points at one of its landings (the callee has not
    returned yet, so the activation has not moved) is put back to the old
    return address, or the rollback would leave that activation to enter the
    rolled-back new code when its call returns.  Each store is checked and
    atomic: an injector that dies between two leaves every slot valid.
    Returns the threads disarmed."""
    from polusgen import elf as elfmod
    from polusgen.inject import procmem
    from polusgen.inject.apply import open_target, resolve_imports
    from polusgen.inject.session import loaded_patches

    libs = loaded_patches(s.pid)
    path = libs.get(patch)
    if path is None:
        return []
    try:
        manifest = elfmod.read_manifest(procmem.host_path(s.pid, path))
        if not manifest.transfers:
            return []
        pelf = elfmod.ElfFile(procmem.host_path(s.pid, path))
        base = procmem.load_base(procmem.read_maps(s.pid), path, pelf.first_load_vaddr)
        imports = resolve_imports(manifest, open_target(s.pid), libs)
        points = Points.of(manifest, imports, lambda name: base + pelf.find(name, tables=(".dynsym",)).value)
    except (OSError, ValueError, elfmod.ElfError, elfmod.SymbolLookupError):
        return []
    back = {landing: ip for ip, (_, _, landing) in points.at.items()}
    lu = stacks.libunwind()
    if lu is None or not back:
        return []
    aspace = stacks._addr_space(lu, s.pid)
    out = []
    for tid in s.tracer.threads:
        sps: list[int] = []
        ips = lu.walk(aspace, tid, sps) or []
        for k in range(1, len(ips)):
            ip = back.get(ips[k])
            if ip is None:
                continue
            slot = sps[k] - 8
            if struct.unpack("<Q", s.mem.read(slot, 8))[0] == ips[k]:
                s.mem.write(slot, struct.pack("<Q", ip))
                out.append(tid)
    return out


def refuse_rollback_of_moved(s, patch: str) -> None:
    """Moved activations cannot be moved back yet: a rollback of their patch
    would leave them running its new code on data no longer synchronized."""
    from polusgen.errors import InjectError

    tids = moved_activations(s, patch)
    if tids:
        raise InjectError(f"{patch} cannot be rolled back: the never-left activations in thread(s) "
                          f"{', '.join(map(str, tids))} moved to its new code, and moving them back is not "
                          f"supported yet; process {s.pid} runs on with {patch} applied")
