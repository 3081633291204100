"""`polusgen apply PID patch.so`: live-update a running process.

Named steps, in order (any failure, or SIGTERM/SIGINT/SIGHUP, before the
commit aborts the patch in the runtime, detaches, and the target runs on
untouched; an injector that dies leaves the same to the next command,
which finds the patch registered but not committed and aborts it):

  check       the process, the patch, the binary it was built for, required
              patches, every import resolved (nothing is attached yet)
  load        seize every thread, stop one: dlopen the runtime (once per
              process) and the patch -- the other threads run on, since
              loading changes nothing the program sees
  link        fill polus_imports[] of the patch
  register    register_patch(); plan each jump (trampolines near the code if
              the new function is > 2 GiB away); polus_rt_note_redirects()
  pre-update  stop every thread; polus_rt_pre_update()
  commit      no thread's PC (or return address) inside the bytes to
              overwrite: step it out or let it run and look again; then
              polus_rt_commit(): activation and every jump in one call
              inside the target (the commit point: a call that runs to its
              end even if we die, the other threads parked meanwhile)
  committed   resume, detach
  watch       sample stacks for `wait` seconds: has the update terminated?

Only pre-update and commit run with every thread stopped.  Each step is a
kill point of the fault-injection suite (POLUS_KILL_AT, see faults.py).
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from polusgen import elf as elfmod
from polusgen.errors import AlreadyDone, InjectError
from polusgen.inject import abi, faults, jumps, procmem, remote, stacks, transfer
from polusgen.inject import ptrace as pt
from polusgen.inject.session import (LIVE_STATES, Session, active_line, check_process, loaded_patches,
                                     stage_for, watch)


# ------------------------------------------------------------------ result

@dataclass
class ApplyResult:
    pid: int
    patch: str
    program: str
    from_version: int
    to_version: int
    patch_id: int
    redirects: list[jumps.Redirect] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    stopped_ms: float = 0.0         # every thread stopped: pre-update -> detach of the apply itself
    total_ms: float = 0.0           # apply_patch, checks to detach (without watching)
    watched_s: float = 0.0
    rounds: int = 0
    sample_stops_ms: float = 0.0    # every thread stopped, summed over the watch's sampling rounds
    state: str = "active"
    terminated: bool = False
    active: list[dict] = field(default_factory=list)
    synchronized: list[str] = field(default_factory=list)
    never_left: list[str] = field(default_factory=list)
    armed: list[str] = field(default_factory=list)      # never-left activations that move when their call returns
    not_armed: list[str] = field(default_factory=list)  # and those still in the old code, with the reason
    warnings: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)    # ms per named step

    def describe(self) -> str:
        lines = [f"applied {self.patch} ({self.program} v{self.from_version} -> v{self.to_version}) "
                 f"to process {self.pid} in {self.total_ms:.1f} ms "
                 f"(threads stopped {self.stopped_ms:.1f} ms)"]
        for r in self.redirects:
            lines.append(f"  redirected {r.describe()}")
        if self.data:
            lines.append(f"  changed data: {', '.join(self.data)}")
        if self.terminated:
            lines.append(f"  update terminated ({self.rounds} stack samples): nothing old is active")
        else:
            lines.append(f"  update in progress after {self.watched_s:.2f} s ({self.rounds} samples):")
            for a in self.active:
                lines.append(active_line(a))
            if self.synchronized:
                lines.append(f"    data still synchronized: {', '.join(self.synchronized)}")
        if self.never_left:
            lines.append(f"  never-left functions (their old activation lives on): {', '.join(self.never_left)}")
        lines += [f"  armed to move to the new code when its call returns: {m}" for m in self.armed]
        if self.armed:
            lines.append(f"    (`polusgen status {self.pid}` names the activations that have moved)")
        lines += [f"  not armed, stays in the old code for now: {m}" for m in self.not_armed]
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        return "\n".join(lines)

    def to_json(self) -> str:
        d = {k: v for k, v in self.__dict__.items() if k != "redirects"}
        d["redirects"] = [{"name": r.name, "new": r.new_name, "at": hex(r.at), "target": hex(r.target),
                           "kind": r.kind, "len": r.length, "via": hex(r.via) if r.via else None}
                          for r in self.redirects]
        return json.dumps(d, indent=2)


# ------------------------------------------------------------------ checks

def check_binary(manifest, exe_elf: elfmod.ElfFile, exe: str) -> list[str]:
    b = manifest.binary
    if b.build_id:
        have = exe_elf.build_id()
        if have != b.build_id:
            raise InjectError(f"patch {manifest.name} was built for another binary: it records build-id "
                              f"{b.build_id}, process runs {exe} with build-id {have or 'none'}")
        return []
    if b.sha256:
        have = exe_elf.sha256()
        if have != b.sha256:
            raise InjectError(f"patch {manifest.name} was built for another binary: it records sha256 "
                              f"{b.sha256[:16]}..., process runs {exe} with sha256 {have[:16]}...")
        return []
    return [f"patch {manifest.name} records no binary identity: not checked against {exe}"]


@dataclass
class Target:
    pid: int
    exe: str
    elf: elfmod.ElfFile
    base: int


def open_target(pid: int) -> Target:
    exe = check_process(pid)
    try:
        e = elfmod.ElfFile(procmem.host_path(pid, exe))
    except (OSError, elfmod.ElfError) as err:
        raise InjectError(f"cannot read the executable of process {pid} ({exe}): {err}")
    maps = procmem.read_maps(pid)
    base = procmem.load_base(maps, exe, e.first_load_vaddr)
    if base is None:
        raise InjectError(f"{exe} is not mapped in process {pid}")
    return Target(pid, exe, e, base)


def resolve_imports(manifest, target: Target, libs: dict[str, str]) -> list[tuple[int, int]]:
    """(address, size) of every import, in manifest order."""
    out = []
    cache: dict[str, tuple[int, elfmod.ElfFile]] = {}
    maps = None
    for imp in manifest.imports:
        if imp.lib:
            path = libs.get(imp.lib)
            if path is None:
                raise InjectError(f"{imp.name} comes from patch {imp.lib}, which is not loaded in process "
                                  f"{target.pid}: apply {imp.lib} first")
            if path not in cache:
                maps = maps or procmem.read_maps(target.pid)
                e = elfmod.ElfFile(procmem.host_path(target.pid, path))
                cache[path] = (procmem.load_base(maps, path, e.first_load_vaddr), e)
            base, e = cache[path]
            if base is None:        # a process in its exit has no mappings left
                raise InjectError(f"patch {imp.lib} ({path}) is not mapped in process {target.pid}")
            where = f"patch {imp.lib} ({path})"
            tables = (".dynsym", ".symtab")
        else:
            base, e, where, tables = target.base, target.elf, target.exe, (".symtab", ".dynsym")
        try:
            s = e.find(imp.name, file=imp.file, tables=tables, kind=imp.kind)
        except elfmod.SymbolLookupError as err:
            static = f" (static in {imp.file})" if imp.file else ""
            raise InjectError(f"symbol {imp.name}{static} needed by patch {manifest.name} is not in {where}: {err}")
        out.append((base + s.value, s.size))
    return out


# ------------------------------------------------------------------ apply

def apply_patch(pid: int, so_path, wait: float = 1.0, force: bool = False) -> ApplyResult:
    """`force`: apply even a patch whose manifest lists state it cannot carry
    and its user code does not cover (polusgen.plan.safety), with a loud warning."""
    t0 = time.perf_counter()
    so = Path(so_path)
    if not so.is_file():
        raise InjectError(f"no patch file {so}")
    so = so.resolve()
    try:
        manifest = elfmod.read_manifest(so)
        pelf = elfmod.ElfFile(so)
    except elfmod.ElfError as e:           # names the file already
        raise InjectError(str(e))
    except (OSError, ValueError) as e:
        raise InjectError(f"{so}: {e}")
    unsafe = manifest.uncovered()
    if unsafe:
        from polusgen.manifest import forced, refusal

        if not force:   # before anything touches the process
            raise InjectError(refusal(unsafe, f"process {pid} not updated with {so}") + " (it runs on untouched)")
        sys.stderr.write(forced(unsafe, f"process {pid} updated with {so} by --force") + "\n")

    # -- check
    target = open_target(pid)
    if not target.elf.has_symtab:
        raise InjectError(f"{target.exe} is stripped (no .symtab): the patch cannot find the program's "
                          "functions and globals; run an unstripped build")
    warnings = check_binary(manifest, target.elf, target.exe) + list(manifest.warnings)
    libs = loaded_patches(pid)
    for req in manifest.requires:
        if req not in libs:
            raise InjectError(f"patch {manifest.name} requires {req}, which is not applied to process {pid}: "
                              f"apply {req} first")
    imports = resolve_imports(manifest, target, libs)
    if transfer.moved_back_code(pid, manifest.from_version):     # before anything is loaded again
        with Session.brief(pid) as s:
            s.tracer.stop_all()
            transfer.refuse_if_moved_back(s, manifest.from_version, f"{manifest.name} cannot be applied")
    for name in ("polus_imports", "register_patch"):
        try:
            pelf.find(name, tables=(".dynsym",))
        except elfmod.SymbolLookupError:
            raise InjectError(f"{so} exports no {name}: not a patch built by polusgen")
    if libs.get(manifest.name) not in (None, str(so)):
        warnings.append(f"a patch named {manifest.name} is already loaded from {libs[manifest.name]}")
    from polusgen.inject.runtime_lib import runtime_library
    rt_lib = runtime_library()

    with faults.interruptible():
        return _apply(pid, so, manifest, pelf, imports, rt_lib, warnings, wait, t0)


def _apply(pid: int, so: Path, manifest, pelf: elfmod.ElfFile, imports, rt_lib, warnings: list[str],
           wait: float, t0: float) -> ApplyResult:
    # -- load (only the calling thread is stopped: loading changes nothing the program sees)
    s = Session(pid)
    patch_id: Optional[int] = None
    redirects: list[jumps.Redirect] = []
    step = "load"
    committed = False
    marks: list[tuple[str, float]] = [("start", t0), ("checked", time.perf_counter())]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    def at_step(name: str) -> None:
        nonlocal step
        step = name
        faults.kill_point(name)

    try:
        at_step("load")
        s.attach(stop=False)
        stacks.libunwind()
        s.runtime(load=str(rt_lib))
        warnings += s.recover()
        st = s.status_json()
        live = {p["name"]: p["state"] for p in st.get("patches", []) if p.get("state") in LIVE_STATES}
        if live.get(manifest.name) == "rolling-back":
            raise InjectError(f"patch {manifest.name} is still rolling back in process {pid} (its new code "
                              "still runs in some thread): apply it again when the rollback has finished")
        if manifest.name in live:
            rolling = [p["name"] for p in st.get("patches", []) if p.get("state") == "rolling-back"]
            raise AlreadyDone(f"patch {manifest.name} is already applied to process {pid} ({live[manifest.name]})"
                        + (f"; {', '.join(rolling)} is still rolling back (its new code still runs), so a "
                           f"rollback below it has not reached {manifest.name} yet: run the rollback "
                           "again when it has finished" if rolling else ""))
        for req in manifest.requires:
            if req not in live:
                raise InjectError(f"patch {manifest.name} requires {req}, which is not applied to process {pid}")
        so_in_target = stage_for(pid, str(so))
        try:
            s.remote.dlopen(so_in_target, remote.RTLD_NOW)
        except remote.RemoteCallError as e:
            raise InjectError(f"the target could not load {so.name}: {e}")
        maps = procmem.read_maps(pid)
        pbase = procmem.load_base(maps, so_in_target, pelf.first_load_vaddr)
        if pbase is None:
            raise InjectError(f"{so_in_target} was loaded but is not in /proc/{pid}/maps")

        def psym(name: str) -> int:
            return pbase + pelf.find(name, tables=(".dynsym",)).value

        # -- link (the library's data as its first dlopen left it, then the imports)
        mark("loaded")
        at_step("link")
        fresh_data(s, pbase, pelf)
        table = psym("polus_imports")
        s.mem.write(table, abi.pack(abi.PolusImport(a, n) for a, n in imports))

        # -- register
        at_step("register")
        r = s.remote.call(psym("register_patch")) & 0xFFFFFFFF
        r = r - (1 << 32) if r >= (1 << 31) else r
        if r < 0:
            raise InjectError(f"register_patch() of {manifest.name} failed in the target "
                              "(the runtime says why in its log: POLUS_LOG or the program's stderr)")
        patch_id = r

        # the jumps and their trampolines (fresh pages nobody runs yet)
        # (a truncated status lists no redirects: then no old slot is reused)
        tramps = jumps.Trampolines(s.remote, s.mem, jumps.trampolines_in_use(st.get("patches", [])),
                                   reuse=not st.get("truncated"))
        for rd in manifest.redirects:
            of = manifest.old_functions[rd.old]
            nf = manifest.new_functions[rd.new]
            at, size = imports[of.import_index]
            try:
                tgt = psym(nf.symbol)
            except elfmod.SymbolLookupError:
                raise InjectError(f"{so.name} does not export {nf.symbol} (new version of {nf.name})")
            redirects.append(jumps.plan(jumps.Redirect(of.name, nf.symbol, at, size, tgt), tramps))
        # the runtime records what each jump overwrites (forgotten by polus_rt_abort)
        for rd in redirects:
            jumps.read_entry(rd, s.mem)
        note_redirects(s, patch_id, redirects)
        # where never-left activations move to the new code (looked up before anything changes)
        try:
            points = transfer.Points.of(manifest, transfer_code(manifest, imports), psym)
        except elfmod.SymbolLookupError as e:
            raise InjectError(f"{so.name} does not export a transfer point's landing: {e}")
        moves = transfer.Progress(t0)

        # -- stop every thread: from here on code and data change
        mark("registered")
        at_step("pre-update")
        s.tracer.stop_all()
        mark("stopped")
        rc = s.rt_call32("polus_rt_pre_update", patch_id)
        if rc != 0:
            raise InjectError(f"the pre-update callback of {manifest.name} refused the update ({rc})")

        # -- commit: no thread's PC (or return address) inside the bytes to
        # overwrite; then, in one call inside the target, activation and every jump
        mark("pre-updated")
        at_step("commit")
        make_safe(s, redirects)
        mark("safe")
        codes = b"".join(rd.code.ljust(abi.JUMP_BYTES, b"\0") for rd in redirects)
        rc = s.rt_switch("polus_rt_commit", patch_id, s.scratch(codes) if codes else 0, len(redirects),
                         kill="in-commit")
        if rc != 0:
            raise InjectError(f"the runtime could not commit {manifest.name} (see its log); it put every byte back")
        committed = True
        mark("activated")
        at_step("committed")
        transfer.move_stopped(s, points, moves)
    except BaseException as e:
        with faults.critical():
            if patch_id is not None and not committed:
                try:
                    s.rt_call32("polus_rt_abort", patch_id, let_others_run=False)
                except Exception:
                    pass
            gone = isinstance(e, pt.ProcessGone) or pt.process_dying(pid)
            try:
                s.detach()
            except Exception:
                pass
        if gone:
            raise InjectError(f"process {pid} exited during the apply ({step} step); nothing to undo") from e
        if isinstance(e, faults.Interrupted):
            if committed:
                raise InjectError(f"interrupted by {e} right after the commit of {manifest.name}: the update is "
                                  f"applied to process {pid} (see `polusgen status {pid}`)") from e
            raise InjectError(f"interrupted by {e} at the {step} step: the update was undone, process {pid} "
                              "runs on as before") from e
        if isinstance(e, InjectError):
            raise InjectError(f"{e} (no code or data of the program was changed: it runs on as before)") from e
        if isinstance(e, (remote.RemoteCallError, pt.PtraceError, OSError)):
            raise InjectError(f"apply failed at the {step} step: {e} "
                              "(every byte was put back: the process runs on as before)") from e
        raise
    with faults.critical():
        s.detach()
    mark("detached")
    total_ms = (time.perf_counter() - t0) * 1000
    res = ApplyResult(pid, manifest.name, manifest.program, manifest.from_version, manifest.to_version,
                      patch_id, redirects, [d.name for d in manifest.data], s.tracer.stop_time * 1000,
                      total_ms, warnings=warnings)
    res.timings = {b[0]: round((b[1] - a[1]) * 1000, 3) for a, b in zip(marks, marks[1:])}
    t1 = time.monotonic()
    try:
        faults.kill_point("watch")
        transfer.move_until(pid, points, moves, max(wait, 0.0))
        res.armed, res.not_armed = moves.armed, [f"thread {t}: {why}" for t, why in sorted(moves.waiting.items())]
        pst, rounds, sample_stops = watch(pid, max(wait, 0.0), manifest.name)
    except (InjectError, faults.Interrupted) as e:      # the update is in; only watching it failed
        res.warnings.append(f"the update was applied, but watching it {'was interrupted by' if isinstance(e, faults.Interrupted) else 'failed:'} {e}")
        res.state = "unknown"
        return res
    res.watched_s, res.rounds, res.sample_stops_ms = time.monotonic() - t1, rounds, sample_stops * 1000
    fill_progress(res, pst)
    return res


def transfer_code(manifest, imports):
    """t -> (address, size) of the code transfer point t is in: the old
    function, or the resume entry of an earlier patch (both imported)."""
    olds: dict[str, tuple[int, int]] = {}
    for o in manifest.old_functions:      # the function first, then earlier patches' resume entries
        olds.setdefault(o.name, imports[o.import_index])
    entries = {(i.lib, i.name): imports[k] for k, i in enumerate(manifest.imports) if i.lib}
    return lambda t: entries.get((t.lib, t.within)) if t.lib else olds.get(t.function)


def fill_progress(res, pst: Optional[dict]) -> None:
    if not pst:
        return
    res.state = pst.get("state", "?")
    res.terminated = res.state in ("terminated", "rolled-back")
    res.active = pst.get("active_functions", [])
    res.synchronized = pst.get("synchronized_data", [])
    res.never_left = list(dict.fromkeys(pst.get("never_left", [])))   # a function and its earlier resume entries


def fresh_data(s: Session, pbase: int, pelf: elfmod.ElfFile) -> None:
    """A patch library stays loaded after its rollback: the runtime puts its
    writable segments back as the first dlopen left them (rt_library.c),
    so a re-apply starts from the patch's initializers like the first."""
    segs = [abi.Segment(pbase + g.vaddr, g.memsz) for g in pelf.segments
            if g.type == elfmod.PT_LOAD and g.flags & elfmod.PF_W and g.memsz]
    if not segs:
        return
    if len(segs) > abi.MAX_SEGMENTS:
        raise InjectError(f"the patch library has {len(segs)} writable segments; the runtime takes "
                          f"at most {abi.MAX_SEGMENTS}")
    if s.rt_call32("polus_rt_fresh_data", s.scratch(abi.pack(segs)), len(segs)) < 0:
        raise InjectError("the runtime could not keep a copy of the patch library's data "
                          f"({sum(g.len for g in segs)} bytes)")


def note_redirects(s: Session, patch_id: int, redirects: list[jumps.Redirect]) -> None:
    """Tell the runtime what every jump overwrites: as few remote calls as the
    scratch buffer allows (under load each call waits for the target's thread
    to be scheduled); one call per jump with a runtime that predates that."""
    try:
        s.rt_sym("polus_rt_note_redirects")
    except elfmod.SymbolLookupError:
        for rd in redirects:
            addr = s.scratch(rd.orig)
            if s.rt_call32("polus_rt_note_redirect", patch_id, rd.at, addr, len(rd.orig), rd.target) != 0:
                raise InjectError(f"the runtime could not record the redirect of {rd.name}")
        return
    per_call = abi.SCRATCH_SIZE // ctypes.sizeof(abi.RedirectNote)
    for i in range(0, len(redirects), per_call):
        batch = redirects[i:i + per_call]
        addr = s.scratch(abi.pack(abi.RedirectNote.of(rd.at, rd.target, rd.orig) for rd in batch))
        if s.rt_call32("polus_rt_note_redirects", patch_id, addr, len(batch)) != 0:
            raise InjectError("the runtime could not record the redirects of "
                              + ", ".join(rd.name for rd in batch))


def make_safe(s: Session, redirects: list[jumps.Redirect], attempts: int = 30) -> None:
    """No thread's PC or return address may point into bytes about to be
    overwritten: single-step a thread whose PC is there; if a return address
    is, let the threads run a moment and look again.  The whole stacks, even
    where no call instruction ends in those bytes: a thread inside a signal
    handler returns to the pc the handler interrupted, which is in the
    kernel's signal frame on its stack, not in its registers."""
    ranges = [(r.at, r.at + len(r.code), r.name) for r in redirects]
    problem: list = []
    for attempt in range(attempts):
        samples = s.samples()
        problem = [(tid, what) for tid, frames in samples.items() for what in jumps.overlaps(frames, ranges)]
        if not problem:
            return
        if all(kind == "pc" for _, (kind, _) in problem) and \
                all([step_out(s, tid, ranges) for tid in {tid for tid, _ in problem}]):
            continue
        s.tracer.resume_all()
        time.sleep(0.001 * (attempt + 1))
        s.tracer.stop_all()
    tid, (kind, name) = problem[0]
    raise InjectError(f"thread {tid} keeps a {kind} inside the first bytes of {name}; "
                      f"tried {attempts} times, try again later")


def step_out(s: Session, tid: int, ranges, max_steps: int = 64) -> bool:
    """Single-step a thread until its PC is out of `ranges`; False if it
    cannot be: it blocks SIGTRAP (pt.synchronous_blocked: it is let run
    instead), or a step faults (a store to a write-through page: the fault
    is the runtime's, taken when the thread runs again)."""
    if pt.synchronous_blocked(tid):
        return False
    st = s.tracer.threads[tid]
    for _ in range(max_steps):
        pc = st.regs.rip
        if not any(lo < pc < hi for lo, hi, _ in ranges):
            return True
        pt.singlestep(tid, 0)
        status = pt.wait(tid, 1.0)
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            raise pt.ProcessGone(f"thread {tid} exited")
        sig = os.WSTOPSIG(status) if os.WIFSTOPPED(status) and status >> 16 == 0 else 0
        st.in_signal_stop = status >> 16 == 0
        s.tracer.refresh_regs(tid)
        if sig in pt.SYNC_SIGNALS and sig != signal.SIGTRAP:
            return False        # the instruction did not run; it faults again when the thread does
        if sig and sig != signal.SIGTRAP:
            st.deferred.append(sig)
    return not any(lo < st.regs.rip < hi for lo, hi, _ in ranges)
