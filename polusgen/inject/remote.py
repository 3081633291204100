"""Make a thread of the target call a function, and come back exactly as it was.

The call: save the thread's registers, orig_rax = -1 (a thread stopped in a
syscall would otherwise have the kernel "restart" it into the callee), rsp
below the 128-byte red zone and the scratch data, rsp = 8 (mod 16) at entry,
return address 0 (the return faults with SIGSEGV at rip 0, which we catch and
never deliver), args in rdi/rsi/rdx/rcx/r8/r9, rax = 0 (no vector registers
for a varargs callee), run to the fault, read rax, restore every register.

A callee may block on a lock another stopped thread holds (dlopen and malloc):
every call is bounded; when it runs out of time the other threads run
briefly while the call goes on, and if it still does not return it is
interrupted, the registers restored, and RemoteTimeout raised.
"""
from __future__ import annotations

import os
import signal
import time
from typing import Optional, Sequence, Union

from polusgen.inject import elf as elfmod
from polusgen.inject import procmem
from polusgen.inject import ptrace as pt

RED_ZONE = 128
Arg = Union[int, bytes, str]

RTLD_NOW, RTLD_GLOBAL = 0x2, 0x100
PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE = 0x2, 0x20, 0x100000


SEGV_ACCERR = 2


def describe_addr(pid: int, addr: int) -> str:
    """'0x7f..36f0 (ftpish-v2.so+0x36f0)': where an address is, for messages."""
    try:
        m = procmem.mapping_of(procmem.read_maps(pid), addr)
    except OSError:
        m = None
    if m is None or not m.path:
        return f"{addr:#x}"
    base = min((x.start - x.offset for x in procmem.read_maps(pid) if x.path == m.path), default=m.start)
    return f"{addr:#x} ({os.path.basename(m.path)}+{addr - base:#x})"


class RemoteCallError(Exception):
    pass


class RemoteTimeout(RemoteCallError):
    pass


def _caught_handler(pid: int, sig: int) -> bool:
    try:
        with open(f"{procmem.proc_dir(pid)}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except OSError:
        pass
    return False


class Remote:
    """Remote calls into one stopped process (all threads held by `tracer`)."""

    def __init__(self, tracer: pt.Tracer, mem: procmem.Memory):
        self.tracer = tracer
        self.mem = mem
        self.pid = tracer.pid
        self._libc: Optional[tuple[int, elfmod.ElfFile]] = None
        self.calls = 0
        self._tid: Optional[int] = None
        self._errno: dict[int, Optional[int]] = {}

    # ---- which thread calls ----
    def pick_thread(self) -> int:
        """A thread in a clean ptrace stop, blocked in a syscall if possible (it
        holds no libc lock then): the main thread first."""
        if self._tid in self.tracer.threads:
            return self._tid
        best, best_rank = None, None
        for t, st in self.tracer.threads.items():
            regs = st.regs
            if regs is None:        # seized but running
                continue
            rank = (st.in_signal_stop, regs.orig_rax > 0x7FFFFFFFFFFFFFFF, t != self.pid)
            if best_rank is None or rank < best_rank:
                best, best_rank = t, rank
        if best is None:
            raise pt.ProcessGone(f"process {self.pid} has no threads left")
        self._tid = best
        return best

    # ---- the call ----
    def call(self, fn: int, *args: Arg, timeout: float = 2.0, tid: Optional[int] = None,
             let_others_run: bool = True, retries: int = 3) -> int:
        """Call fn(*args) in thread `tid` (default: pick_thread()); returns rax.
        The thread's registers and its errno are as they were afterwards (it
        may have just failed a system call and not read errno yet)."""
        if len(args) > 6:
            raise ValueError("at most 6 arguments")
        tid = tid if tid is not None else self.pick_thread()
        where = self._errno_of(tid)
        errno_before = self.mem.read(where, 4) if where else None
        try:
            return self._call(fn, args, timeout, tid, let_others_run, retries)
        finally:
            if where and tid in self.tracer.threads:
                try:
                    self.mem.write(where, errno_before)
                except OSError:
                    pass        # the process is gone: the error on the way out says so

    # ---- the allocator of a single-threaded target ----
    MALLOC_FAMILY = ("malloc", "free", "calloc", "realloc", "reallocarray", "memalign",
                     "posix_memalign", "aligned_alloc", "valloc", "pvalloc", "malloc_trim")

    def _malloc_ranges(self) -> list[tuple[int, int]]:
        if not hasattr(self, "_mranges"):
            base, e = self.libc()
            ranges = []
            for name in self.MALLOC_FAMILY:
                try:
                    sym = e.find(name, tables=(".dynsym",), kind="function")
                except elfmod.SymbolLookupError:
                    continue
                if sym.size:
                    ranges.append((base + sym.value, base + sym.value + sym.size))
            self._mranges = ranges
        return self._mranges

    def out_of_malloc(self, tid: int, tries: int = 8) -> None:
        """glibc's malloc takes no lock while a process has one thread: a remote
        call that allocates (dlopen, registration, sync code) on a thread stopped
        inside malloc or free would corrupt the heap (seen on the fork-per-session
        ftpish listener).  Such a thread is run on to the return address of its
        outermost allocator frame (a breakpoint there): a program that spends
        most of its time allocating is caught inside again and again if merely
        let on for a while.  Call it right after attaching, before anything
        in the target changes.  Targets with more threads lock their arenas: a
        call that meets a held lock times out and is retried with the others
        running (see _run)."""
        if len(self.tracer.threads) != 1:
            return
        from polusgen.inject.stacks import sample_threads

        ranges = self._malloc_ranges()
        inside = lambda a: any(lo <= a < hi for lo, hi in ranges)
        for k in range(tries):
            frames = sample_threads(self.tracer, self.mem).get(tid, [])
            # frames[0] is the pc; the others are return addresses (their call is at -1)
            hits = [i for i, a in enumerate(frames) if inside(a if i == 0 else a - 1)]
            if not hits:
                return
            out = hits[-1] + 1
            if out < len(frames) and self._run_to(tid, frames[out]):
                continue        # back in the caller: look again (a signal handler may allocate)
            resumed = self.tracer.resume_all()
            time.sleep(min(0.0005 * (k + 1), 0.01))
            self.tracer.stop_threads(resumed)
            self.tracer.refresh_regs(tid)
        raise RemoteCallError(f"process {self.pid} stayed inside malloc/free for {tries} tries; "
                              "nothing was changed, try again")

    def _run_to(self, tid: int, addr: int, timeout: float = 1.0) -> bool:
        """Let the only thread run until it reaches `addr` (an int3 there, put
        back at once).  True: stopped at addr; False: it did not get there in
        time (stopped again wherever it was)."""
        st = self.tracer.threads[tid]
        orig = self.mem.read(addr, 1)
        self.mem.write(addr, b"\xcc")
        hit = False
        with pt.synchronous_signals_unblocked(tid):
            try:
                self.tracer.resume_all()        # the only thread (out_of_malloc's case)
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        status = pt.wait(tid, max(deadline - time.monotonic(), 0.001))
                    except pt.WaitTimeout:
                        self.tracer.stop_threads([tid])
                        if st.signal == signal.SIGTRAP and st.regs.rip == addr + 1:
                            hit = True      # it got there just as we gave up: our trap, not its
                        break
                    if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                        raise pt.ProcessGone(f"process {self.pid} exited")
                    if not os.WIFSTOPPED(status):
                        continue
                    sig, event = os.WSTOPSIG(status), status >> 16
                    if event == 0 and sig == signal.SIGTRAP and pt.getregs(tid).rip == addr + 1:
                        hit = True
                        break
                    pt.cont(tid, sig if event == 0 else 0)   # the program's own signals go on
            finally:
                self.mem.write(addr, orig)
        if hit:
            regs = pt.getregs(tid)
            regs.rip = addr
            pt.setregs(tid, regs)
            st.regs, st.signal, st.siginfo, st.in_signal_stop = regs, 0, None, False
        else:
            self.tracer.refresh_regs(tid)
        return hit

    def _errno_of(self, tid: int) -> Optional[int]:
        """&errno of thread `tid` (__errno_location(), asked once per thread)."""
        if tid not in self._errno:
            self._errno[tid] = None
            try:
                self._errno[tid] = self._call(self.libc_fn("__errno_location"), (), 2.0, tid, True, 3) or None
            except (RemoteCallError, elfmod.SymbolLookupError):
                pass
        return self._errno[tid]

    def _call(self, fn: int, args, timeout: float, tid: int, let_others_run: bool, retries: int) -> int:
        st = self.tracer.threads[tid]
        saved = st.regs.copy() if st.regs is not None else self.tracer.refresh_regs(tid).copy()
        regs = saved.copy()
        # scratch data below the red zone, then the return address
        top = (saved.rsp - RED_ZONE) & ~0xF
        values = []
        for a in args:
            if isinstance(a, str):
                a = a.encode() + b"\0"
            if isinstance(a, (bytes, bytearray)):
                top = (top - len(a)) & ~0xF
                self.mem.write(top, bytes(a))
                values.append(top)
            else:
                values.append(int(a) & 0xFFFFFFFFFFFFFFFF)
        top &= ~0xF
        rsp = top - 8
        self.mem.write_u64(rsp, 0)
        regs.rsp = rsp
        regs.rip = fn
        regs.rax = 0
        regs.orig_rax = 0xFFFFFFFFFFFFFFFF
        # no trap flag during the call: a thread caught in the runtime's
        # single-step write window has TF set; restored with the registers after
        regs.eflags &= ~0x100
        for name, v in zip(("rdi", "rsi", "rdx", "rcx", "r8", "r9"), values):
            setattr(regs, name, v)
        self.calls += 1
        pt.setregs(tid, regs)
        try:
            with pt.synchronous_signals_unblocked(tid):
                return self._run(tid, st, timeout, let_others_run, retries)
        finally:
            try:
                pt.setregs(tid, saved)
                st.regs = saved
            except pt.PtraceError:
                pass

    def _run(self, tid: int, st: pt.ThreadState, timeout: float, let_others_run: bool, retries: int) -> int:
        pt.cont(tid, 0)
        tries = 0
        # seized threads that run on may stop on a signal of their own meanwhile
        # (the runtime's write-through): they are let on while we wait
        idle = None if self.tracer.stopped else self.tracer.service_running
        while True:
            try:
                status = pt.wait(tid, timeout, on_idle=idle)
            except pt.WaitTimeout:
                tries += 1
                if let_others_run and tries <= retries:
                    # someone else may hold the lock the callee waits for
                    all_stopped = self.tracer.stopped
                    resumed = self.tracer.resume_all(except_tid=tid)
                    time.sleep(0.005 * tries)
                    if all_stopped:
                        self.tracer.stop_all()
                    else:
                        self.tracer.stop_threads(resumed)
                    continue
                pt.interrupt(tid)
                self._wait_any_stop(tid)
                st.in_signal_stop = False
                raise RemoteTimeout(f"the call did not return within {timeout * (tries):.1f}s "
                                    "(a lock held by a stopped thread?)")
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                raise pt.ProcessGone(f"process {self.pid} exited during a remote call")
            if not os.WIFSTOPPED(status):
                continue
            sig, event = os.WSTOPSIG(status), status >> 16
            if event == pt.PTRACE_EVENT_STOP:
                pt.cont(tid, 0)      # a leftover interrupt (or group stop): go on
                continue
            if event:
                pt.cont(tid, 0)
                continue
            regs = pt.getregs(tid)
            if sig == signal.SIGSEGV and regs.rip == 0:
                st.in_signal_stop = True    # stopped in our own fault: a kept signal can be injected
                return regs.rax
            if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGTRAP):
                code = int.from_bytes(pt.getsiginfo(tid)[8:12], "little", signed=True)
                # the runtime's write-through: a write to a protected page (SEGV_ACCERR) and
                # its single-step trap go to the handler; any other fault is a crash of the
                # callee, taken back here instead of killing the process
                if ((sig == signal.SIGSEGV and code == SEGV_ACCERR) or sig == signal.SIGTRAP) \
                        and _caught_handler(self.pid, sig):
                    pt.cont(tid, sig)
                    continue
                st.in_signal_stop = True
                raise RemoteCallError(f"the call crashed with {signal.Signals(sig).name} at "
                                      f"{describe_addr(self.pid, regs.rip)}")
            # an asynchronous signal: give it back after we are done
            st.deferred.append(sig)
            pt.cont(tid, 0)

    def _wait_any_stop(self, tid: int) -> None:
        while True:
            status = pt.wait(tid, 2.0)
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                raise pt.ProcessGone(f"process {self.pid} exited")
            if os.WIFSTOPPED(status):
                if status >> 16 == 0 and os.WSTOPSIG(status) not in (signal.SIGSEGV,):
                    self.tracer.threads[tid].deferred.append(os.WSTOPSIG(status))
                return

    # ---- libc ----
    def libc(self) -> tuple[int, elfmod.ElfFile]:
        if self._libc is None:
            maps = procmem.read_maps(self.pid)
            path = procmem.find_library(maps, "libc.so.6") or procmem.find_library(maps, "libc")
            if path is None:
                raise RemoteCallError("libc is not loaded in the target (statically linked?)")
            e = elfmod.cached(procmem.host_path(self.pid, path))
            base = procmem.load_base(maps, path, e.first_load_vaddr)
            self._libc = (base, e)
        return self._libc

    def libc_fn(self, name: str) -> int:
        """Address of a libc function in the target (an IFUNC's resolver is called
        to pick the implementation, as ld.so would)."""
        base, e = self.libc()
        sym = e.find(name, tables=(".dynsym",), kind="function")
        if sym.type == elfmod.STT_GNU_IFUNC:
            return self.call(base + sym.value)
        return base + sym.value

    def call_libc(self, name: str, *args: Arg, **kw) -> int:
        return self.call(self.libc_fn(name), *args, **kw)

    def dlopen(self, path: str, flags: int = RTLD_NOW | RTLD_GLOBAL, timeout: float = 5.0) -> int:
        """dlopen in the target; raises RemoteCallError with the target's dlerror text."""
        tid = self.pick_thread()     # dlerror's text is per thread: ask the same one
        h = self.call_libc("dlopen", os.path.abspath(path), flags, timeout=timeout, tid=tid)
        if h == 0:
            msg_p = self.call_libc("dlerror", tid=tid)
            msg = self.mem.read_cstr(msg_p, 4096) if msg_p else "unknown error"
            raise RemoteCallError(f"dlopen failed in the target: {msg}")
        return h

    def mmap_near(self, near: int, size: int = 4096) -> int:
        """A fresh r-x page within +-2 GiB of `near`, for trampolines (mapped in a
        free gap next to the mappings around it, never over anything; it is
        filled through /proc/PID/mem, which writes through the protection)."""
        mmap = self.libc_fn("mmap")
        maps = procmem.read_maps(self.pid)
        for hint in _hints_near(maps, near, size):
            addr = self.call(mmap, hint, size, PROT_READ | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0xFFFFFFFFFFFFFFFF, 0)
            if addr >= 0xFFFFFFFFFFFFF000:      # MAP_FAILED
                continue
            if abs(addr - near) < (1 << 31) - size:
                return addr
            self.call_libc("munmap", addr, size)
        raise RemoteCallError(f"no free page within 2 GiB of {near:#x}")


def _hints_near(maps: Sequence[procmem.Mapping], near: int, size: int):
    """Free gaps next to the mappings around `near`, nearest first, a guard
    page from their neighbours; but first right after an anonymous r-x
    mapping (an earlier apply's trampolines): the kernel merges the two, and
    every mapping costs a fork server's each fork."""
    cands, after_tramps = [], []
    ordered = sorted(maps, key=lambda m: m.start)
    for a, b in zip(ordered, ordered[1:]):
        if b.start - a.end >= size + 0x1000 and not a.path and a.perms == "r-xp":
            after_tramps.append(a.end)
        if b.start - a.end >= size + 0x2000:
            for h in (a.end + 0x1000, b.start - size - 0x1000):
                cands.append(h)
    after_tramps.sort(key=lambda h: abs(h - near))
    cands.sort(key=lambda h: abs(h - near))
    return [h for h in after_tramps + cands if abs(h - near) < (1 << 31) - size][:8]
