"""Moving never-left activations between old and new code (the injector's
side of polusgen.transfer).

Forward (apply): a thread whose frame of a never-left function waits for a
callee to return to a usable transfer point gets that return address
replaced by the patch's landing entry for the point.  Back (rollback): a
thread running one of the patch's resume entries gets the return address of
the call it waits in replaced by the landing of the matching back entry (the
old body resumed after the same call); where the resume entry keeps its
variables there is read from the patch's own debug information and written
into the patch's polus_back_sites first.

Each rewrite is one 8-byte store into the stack of a stopped thread, checked
against the value the unwinder read, so an injector that dies leaves either
the old return address or the landing, both valid.  The activation is armed
then; it moves when the call returns.  Only libunwind's walk is trusted for
this: never a scan's guess.
"""
from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field
from typing import Iterator, Optional

from polusgen.errors import InjectError
from polusgen.inject import stacks
from polusgen.transfer import layout

# struct polus_xfer_frame's registers, in order (runtime/polus.h), as the back sites index them
FRAME_REGS = ("rax", "rdx", "rbx", "rbp", "r12", "r13", "r14", "r15", "rsp")
SAVED_REGS = ("rbx", "rbp", "r12", "r13", "r14", "r15")


@dataclass
class Points:
    """Absolute addresses in the target: return address -> (function, callee,
    landing, back site or None); the code ranges the activations run in; and,
    for back points, the patch's polus_back_sites (address, count)."""
    at: dict[int, tuple[str, str, int, Optional["BackSite"]]] = field(default_factory=dict)
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)   # label -> (address, size)
    sites: tuple[int, int] = (0, 0)

    @classmethod
    def of(cls, manifest, where, psym) -> "Points":
        """`where(t)`: (address, size) in the target of the code transfer point
        t is in (the old function, or an earlier patch's resume entry), or None."""
        out = cls()
        for t in manifest.transfers:
            found = where(t)
            if found is None:
                continue
            label = f"{t.function} ({t.within})" if t.lib else t.function
            out.functions[label] = found
            out.at[found[0] + t.offset] = (label, t.callee, psym(t.symbol), None)
        return out


@dataclass
class Progress:
    started: float = field(default_factory=time.perf_counter)   # when the apply (rollback) began
    armed: list[str] = field(default_factory=list)      # "F in thread T (after C), N ms after the apply began"
    waiting: dict[int, str] = field(default_factory=dict)   # tid -> why it has not been armed yet


def walks(s) -> Iterator[tuple[int, list[int], list[int]]]:
    """(tid, frame IPs, frame stack pointers) of every stopped thread of the
    session, walked by libunwind; nothing if libunwind is not available."""
    lu = stacks.libunwind()
    if lu is None:
        return
    aspace = stacks._addr_space(lu, s.pid)
    for tid in s.tracer.threads:
        sps: list[int] = []
        ips = lu.walk(aspace, tid, sps) or []
        yield tid, ips, sps


def _rewrite(s, slot: int, expect: int, value: int) -> bool:
    """Replace the return address at `slot` if it is still `expect`."""
    if struct.unpack("<Q", s.mem.read(slot, 8))[0] != expect:
        return False
    s.mem.write(slot, struct.pack("<Q", value))
    return True


def move_stopped(s, points: Points, progress: Progress) -> None:
    """With every thread of the session stopped: arm each activation that
    waits at a usable point; note the others."""
    progress.waiting.clear()
    if not points.at:
        return
    if stacks.libunwind() is None:
        for tid in s.tracer.threads:
            progress.waiting[tid] = "libunwind is not available: stacks are not walked precisely enough to write"
        return
    free = _free_sites(s, points) if points.sites[1] else []
    for tid, ips, sps in walks(s):
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
                if hit[3] is not None:          # where the variables are, before the landing can be reached
                    if not free:
                        progress.waiting[tid] = f"{fn}: every back site of the patch is taken"
                        continue
                    s.mem.write(free.pop(0), hit[3].pack(sps[k]))
                if not _rewrite(s, slot, ip, hit[2]):
                    progress.waiting[tid] = f"{fn}: the return address is not where the unwinder said"
                    continue
            except OSError as e:      # the update is in either way: this activation just stays where it is
                progress.waiting[tid] = f"{fn}: its stack could not be rewritten ({e})"
                continue
            ms = (time.perf_counter() - progress.started) * 1000
            progress.armed.append(f"{fn} in thread {tid} (after {hit[1]}), {ms:.1f} ms after the "
                                  f"{'rollback' if hit[3] is not None else 'apply'} began")


def _function_at(points: Points, ip: int) -> Optional[str]:
    for key, (addr, size) in points.functions.items():
        if addr <= ip < addr + size:
            return key
    return None


def move_until(pid: int, points: Points, progress: Progress, wait: float, interval: float = 0.005) -> None:
    """Stop the process briefly, again and again, until every activation is
    armed or `wait` seconds passed (a thread running the loop's own code
    between two calls is caught at its next call)."""
    from polusgen.inject.session import Session

    deadline = time.monotonic() + wait
    while progress.waiting and time.monotonic() < deadline:
        time.sleep(interval)
        with Session.brief(pid) as s:
            s.tracer.stop_all()
            move_stopped(s, points, progress)


# ---------------------------------------------------------------- the patch in the target

@dataclass
class Loaded:
    """A loaded patch with transfer points: its manifest, ELF, load base and
    path (in the target; `host`: as this process opens it)."""
    path: str
    host: str
    manifest: object
    elf: object
    base: int

    def sym(self, name: str) -> int:
        return self.base + self.elf.find(name, tables=(".dynsym",)).value

    def ranges(self) -> dict[str, tuple[int, int]]:
        """'F (moved, resume entry)' -> (address, size) of each resume entry."""
        out = {}
        for t in self.manifest.transfers:
            if t.resume:
                sym = self.elf.find(t.resume, tables=(".dynsym",))
                out[f"{t.function} ({t.resume})"] = (self.base + sym.value, max(sym.size, 1))
        return out


def loaded(pid: int, patch: str) -> Optional[Loaded]:
    """The loaded patch named `patch` if its manifest has transfer points, else None."""
    from polusgen import elf as elfmod
    from polusgen.inject import procmem
    from polusgen.inject.session import loaded_patches

    path = loaded_patches(pid).get(patch)
    if path is None:
        return None
    try:
        host = procmem.host_path(pid, path)
        manifest = elfmod.read_manifest(host)
        if not manifest.transfers:
            return None
        pelf = elfmod.ElfFile(host)
        base = procmem.load_base(procmem.read_maps(pid), path, pelf.first_load_vaddr)
    except (OSError, ValueError, elfmod.ElfError):
        return None
    return Loaded(path, host, manifest, pelf, base) if base is not None else None


def moved_into(s, lib: Loaded) -> list[int]:
    """Threads (all stopped) running an activation moved to the resume
    entries of the patch library `lib`."""
    from polusgen import elf as elfmod

    try:
        ranges = list(lib.ranges().values())
    except elfmod.SymbolLookupError:        # a patch from before resume entries were exported
        return []
    return [tid for tid, frames in s.samples().items()
            if any(lo <= ip < lo + n for ip in frames for lo, n in ranges)]


def moved_activations(s, patch: str) -> list[int]:
    """Threads (all stopped) whose never-left activation moved to the code of
    the loaded patch named `patch` ([] if its manifest has no transfer points)."""
    lib = loaded(s.pid, patch)
    return moved_into(s, lib) if lib is not None else []


def disarm(s, lib: Loaded, status: dict) -> list[int]:
    """Before a rollback of `lib`, with every thread stopped: a return
    address that still points at one of its landings (the callee has not
    returned yet, so the activation has not moved) is put back to the old
    return address, or the rollback would leave that activation to enter the
    rolled-back new code when its call returns.  The old functions' addresses
    are the runtime's (`status`: the patch in polus_rt_status_json).  Each
    store is checked and atomic: an injector that dies between two leaves
    every slot valid.  Returns the threads disarmed."""
    from polusgen import elf as elfmod

    olds: dict[str, tuple[int, int]] = {}
    for o in status.get("old_functions", []):       # the function first, then earlier patches' resume entries
        olds.setdefault(o["name"], (int(o["addr"], 16), o["size"]))

    def where(t):
        if not t.lib:
            return olds.get(t.function)
        earlier = loaded(s.pid, t.lib)
        if earlier is None:
            return None
        sym = earlier.elf.find(t.within, tables=(".dynsym",))
        return earlier.base + sym.value, sym.size
    try:
        points = Points.of(lib.manifest, where, lib.sym)
    except elfmod.SymbolLookupError:
        return []
    back = {landing: ip for ip, (_, _, landing, _) in points.at.items()}
    out = []
    for tid, ips, sps in walks(s):
        for k in range(1, len(ips)):
            ip = back.get(ips[k])
            if ip is not None and _rewrite(s, sps[k] - 8, ips[k], ip):
                out.append(tid)
    return out


# ---------------------------------------------------------------- moving back

@dataclass
class BackSite:
    """struct polus_back_site of a patch (polusgen.transfer.emit.BACK_SUPPORT):
    where a resume entry's frame is and keeps each variable of a back entry."""
    cfa_reg: int
    cfa_offset: int
    saved: list[int]                               # per SAVED_REGS: CFA-relative slot, 0 if not saved
    variables: list[tuple[int, int, int]]          # (kind, reg, offset)

    def pack(self, key: int) -> bytes:
        return layout.pack_site(key, self.cfa_reg, self.cfa_offset, self.saved, self.variables)


def _free_sites(s, points: Points) -> list[int]:
    addr, count = points.sites
    raw = s.mem.read(addr, count * layout.SITE_SIZE)
    return [addr + i * layout.SITE_SIZE for i in range(count)
            if struct.unpack_from("<Q", raw, i * layout.SITE_SIZE)[0] == 0]


def _back_site(site, variables) -> tuple[Optional[BackSite], str]:
    """The BackSite of a call site of a resume entry (polusgen.transfer.dwarf.CallSite), or why there is none."""
    if site.cfi_problem:
        return None, site.cfi_problem
    out = []
    for name, by_ref in variables:
        dname = ("__polus_ref_" if by_ref else "") + name
        loc = site.variables.get(dname)
        if loc is None or loc.kind == "none":
            return None, f"{dname} is {loc.why if loc else 'not described'} there"
        if loc.kind == "reg":
            out.append((1, FRAME_REGS.index(loc.reg), 0))
        elif loc.kind == "mem":
            out.append((2, -1 if loc.base == "cfa" else FRAME_REGS.index(loc.base), loc.offset))
        else:
            out.append((3, 0, loc.offset))
    return BackSite(FRAME_REGS.index(site.cfa_reg), site.cfa_offset,
                    [site.saved.get(r, 0) for r in SAVED_REGS], out), ""


def back_points(lib: Loaded) -> tuple[Points, list[str]]:
    """Where activations running `lib`'s resume entries move back to the old
    code, from the patch's debug information: the calls of each resume entry
    (ranked by source line per callee, as the back entries were) whose back
    entry's variables are all found there.  Returns the points and why the
    others are not points."""
    from pathlib import Path

    from polusgen import elf as elfmod
    from polusgen.transfer.dwarf import DebugInfo, NoDebugInfo

    out = Points()
    problems: list[str] = []
    if not lib.manifest.back_transfers:
        return out, [f"{lib.manifest.name} has no back entries (no call of the old loop matches one of the new)"]
    try:
        out.sites = (lib.sym("polus_back_sites"), layout.BACK_SITES)
        out.functions = lib.ranges()
    except elfmod.SymbolLookupError as e:
        return Points(), [f"{lib.manifest.name} does not export its back sites: {e}"]
    backs = {(b.function, b.callee, b.rank, b.calls): b for b in lib.manifest.back_transfers}
    source_name = {f.symbol: f.name.split("@", 1)[0] for f in lib.manifest.new_functions}
    try:
        info = DebugInfo(Path(lib.host), on_disk=True)
    except NoDebugInfo as e:
        return Points(), [f"{e}: a patch must be built with -g for its moved activations to move back"]
    try:
        for t in lib.manifest.transfers:
            if not t.resume:
                continue
            label = f"{t.function} ({t.resume})"
            sites = [c for c in info.call_sites(t.resume) if c.callee and not c.inlined_from]
            for c in sites:      # report_v1 is the source's report
                c.callee = source_name.get(c.callee, c.callee)
            lines: dict[str, list[int]] = {}
            for c in sites:
                lines.setdefault(c.callee, [])
                if c.line not in lines[c.callee]:
                    lines[c.callee].append(c.line)
            for c in sites:
                rank = sorted(lines[c.callee]).index(c.line)
                b = backs.get((t.function, c.callee, rank, len(lines[c.callee])))
                if b is None:
                    problems.append(f"{label}: no back entry for its call of {c.callee} at line {c.line}")
                    continue
                site, why = _back_site(c, b.variables)
                if site is None:
                    problems.append(f"{label}: its call of {c.callee} at line {c.line}: {why}")
                    continue
                out.at[lib.base + c.return_pc] = (label, c.callee, lib.sym(b.symbol), site)
    except Exception as e:    # noqa: BLE001 - debug information pyelftools cannot read: nothing moves back
        return Points(), [f"the debug information of {lib.path} could not be read ({e})"]
    finally:
        info.close()
    return out, problems


def refuse_rollback_of_moved(s, lib: Loaded, back: Points, why: list[str]) -> None:
    """Moved activations that no back point can take: a rollback of their
    patch would leave them running its new code on data no longer synchronized."""
    tids = moved_into(s, lib) if not back.at else []
    if tids:
        raise InjectError(f"{lib.manifest.name} cannot be rolled back: the never-left activations in thread(s) "
                          f"{', '.join(map(str, tids))} moved to its new code, and none of its calls can move "
                          f"them back ({'; '.join(why[:3])}); process {s.pid} runs on with "
                          f"{lib.manifest.name} applied")


def moved_back_code(pid: int, version: int) -> list[tuple[int, int, str]]:
    """(address, size, patch) of the back entries carrying version `version`
    in the patches loaded in process `pid`, and of their landings (a thread
    armed to move there has its return address at one)."""
    from polusgen import elf as elfmod
    from polusgen.inject.session import loaded_patches

    ranges = []
    for name in loaded_patches(pid):
        lib = loaded(pid, name)
        if lib is None or lib.manifest.from_version != version:
            continue
        for b in lib.manifest.back_transfers:
            for symbol in (b.entry, b.symbol):
                try:
                    sym = lib.elf.find(symbol, tables=(".dynsym",))
                except elfmod.SymbolLookupError:
                    continue
                ranges.append((lib.base + sym.value, max(sym.size, 1), name))
    return ranges


def refuse_if_moved_back(s, version: int, what: str) -> None:
    """A patch's rollback moved activations back into the old code it carries
    (its back entries, version `version`): moving an activation out of them
    again is not supported yet, so neither a rollback below that version nor
    a patch from it may go on (it would leave them running that code on data
    no longer synchronized; a patch loaded again even resets the imports that
    code calls through).  `s`: a session with every thread stopped; `what`:
    the refusal's beginning."""
    ranges = moved_back_code(s.pid, version)
    if not ranges:
        return
    hits = {tid: lib for tid, frames in s.samples().items() for ip in frames
            for lo, n, lib in ranges if lo <= ip < lo + n}
    if hits:
        raise InjectError(f"{what}: the never-left activations in thread(s) {', '.join(map(str, sorted(hits)))} "
                          f"run (or are armed to run) version {version} in the code of "
                          f"{', '.join(sorted(set(hits.values())))} (moved back there by that patch's rollback), "
                          f"and moving them out of it is not supported yet; process {s.pid} runs on as it was")
