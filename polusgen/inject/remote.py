"""Make a thread of the target call a function, and come back exactly as it was.

A borrowed thread never depends on us to get back.  On a slot of its own
in an area we map in the target (frames.py: not on its own stack, which may
be a nearly full alternate signal stack), below the argument bytes, we build
a signal frame, the way the kernel does when it runs a handler: the
thread's registers (a system call it was stopped in made to restart), its
signal mask, its whole FPU/vector state and where its errno is and what it
holds.  The callee's return address is a landing stub that puts errno back
and calls rt_sigreturn on that frame: if we die at any instant, the thread
returns from the callee into its own code exactly as it was.  While we live
we run the callee with PTRACE_SYSCALL, read the result at the stub's
rt_sigreturn (rdi holds rax then) and let the sigreturn run, so the kernel
restores what it would restore without us.

The thread enters through a prologue that disables its alternate signal
stack, saving its settings into the frame's uc_stack, which the sigreturn
restores: a signal handled on the slot (the runtime's write-through faults
in the callee) goes below the slot's stack pointer instead of to the top of
an altstack the thread may be using -- it was stopped inside a handler
running there.  The callee runs with every signal blocked but SIGSEGV and
SIGTRAP: one sent meanwhile stays pending in the kernel until the frame's
sigreturn puts the thread's own mask back, whether or not we live.  No
signal of a borrowed or parked thread is held in its stop meanwhile
(ptrace.Tracer.requeue: the kernel forgets it if we die).

The stub lives on a page of its own (LANDING_MAGIC, the code, then the
first frame area's address), mapped once per process for the rest of its
life near the executable (later trampoline pages go right after it and
share its mapping).  Mapping that page and the first frame area are the
process's only calls whose frame goes below the borrowed thread's own red
zone (the first returns through libc's own sigreturn trampoline, __restore_rt,
`mov $15,%rax; syscall`: its result is read from /proc/PID/maps instead).

Also: orig_rax = -1 (a thread stopped in a syscall would otherwise have the
kernel "restart" it into the callee), rsp = 8 (mod 16) at entry, args in
rdi/rsi/rdx/rcx/r8/r9, rax = 0 (no vector registers for a varargs callee).

A callee may block on a lock another stopped thread holds (dlopen and malloc):
every call is bounded; when it runs out of time the other threads run
briefly while the call goes on, and if it still does not return it is
interrupted, the thread's state put back, and RemoteTimeout raised.
"""
from __future__ import annotations

import ctypes
import os
import signal
import struct
import time
from dataclasses import dataclass
from typing import Optional, Sequence, Union

from polusgen import elf as elfmod
from polusgen.inject import abi, faults, frames, procmem
from polusgen.inject import ptrace as pt

RED_ZONE = 128
Arg = Union[int, bytes, str]

RTLD_NOW, RTLD_GLOBAL = 0x2, 0x100
PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE, MAP_FIXED_NOREPLACE = 0x2, 0x20, 0x4000, 0x100000


# the landing page: 16 bytes of magic, then the landing stub (rsp = &uc; the
# frame's uc_mcontext.reserved1[0..3] hold &errno, errno, the slot's busy
# count and the callee):
#   mov %rax,%rdi; mov 232(%rsp),%rcx; test %rcx,%rcx; jz 1f
#   mov 240(%rsp),%edx; mov %edx,(%rcx)          (errno back)
#   1: mov 248(%rsp),%rcx; test %rcx,%rcx; jz 2f
#   lock decl (%rcx)                              (the slot's busy count)
#   2: mov $15,%eax; syscall                     (rt_sigreturn)
# then the prologue a thread enters by (rsp = the frame, args in their registers):
#   push %rdi; push %rsi; push %rdx; push %rcx
#   lea disabled(%rip),%rdi; lea 56(%rsp),%rsi; mov $131,%eax; syscall
#                                                 (sigaltstack(&disabled, &uc.uc_stack))
#   pop %rcx; pop %rdx; pop %rsi; pop %rdi; xor %eax,%eax; jmp *264(%rsp)
#   (4 bytes of padding) disabled: a stack_t {0, SS_DISABLE, 0}
# then the first frame area's address
LANDING_MAGIC = frames.LANDING_MAGIC
LANDING_CODE = bytes.fromhex(
    "4889c7488b8c24e80000004885c974098b9424f00000008911488b8c24f80000004885c97403f0ff09b80f0000000f05"
    "57565251488d3d1d000000488d742438b8830000000f05595a5e5f31c0ffa424080100000f1f4000"
    "000000000000000002000000000000000000000000000000")
LANDING_RETURN = 0x30       # the stub's length: its rt_sigreturn ends there
PROLOGUE = 0x30             # where the prologue starts
AREA_AT = len(LANDING_MAGIC) + len(LANDING_CODE)          # the first frame area's address, from the page
LANDING_SIZE = AREA_AT + 8                                # the rest of its page holds trampolines
RESTORE_RT = frames.RESTORE_RT
NR_RT_SIGRETURN, NR_RESTART_SYSCALL = 15, 219
ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK = 512, 513, 514, 516
# struct rt_sigframe (x86_64): abi.SigFrame, then the siginfo
FRAME_SIZE = ctypes.sizeof(abi.SigFrame) + pt.SIGINFO_SIZE
UC_FP_XSTATE, UC_SIGCONTEXT_SS, UC_STRICT_RESTORE_SS = 1, 2, 4
SS_INVALID = 3          # an invalid uc_stack mode: sigreturn leaves the thread's altstack as it is
FP_XSTATE_MAGIC1, FP_XSTATE_MAGIC2 = 0x46505853, 0x46505845
# every signal blocked but SIGSEGV and SIGTRAP (the runtime's write-through)
ONLY_SYNC = ((1 << 64) - 1) & ~((1 << (signal.SIGSEGV - 1)) | (1 << (signal.SIGTRAP - 1)))


@dataclass
class Parking:
    """Where a switch parks the other threads (runtime/rt_park.c)."""
    fn: int             # polus_rt_park
    gate: int           # &polus_rt_park_gate
    hold_ms: int = 0    # fault injection only


def resumed_regs(saved: pt.Regs) -> pt.Regs:
    """The registers a thread stopped at `saved` goes on with when nobody
    handles a signal in between: a system call it was stopped in restarts
    (rip back onto the syscall instruction, rax = its number, no syscall
    in progress), as when a SA_RESTART handler returns.  A signal frame
    holds these (rt_sigreturn sets orig_rax = -1 itself), and they are the
    thread's registers after a call: the kernel restarts a system call only
    on the way out of a signal stop, and a call ends in a syscall stop."""
    r = saved.copy()
    if r.orig_rax < (1 << 63):
        err = (1 << 64) - r.rax
        if err in (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND):
            r.rax, r.rip, r.orig_rax = r.orig_rax, r.rip - 2, (1 << 64) - 1
        elif err == ERESTART_RESTARTBLOCK:
            r.rax, r.rip, r.orig_rax = NR_RESTART_SYSCALL, r.rip - 2, (1 << 64) - 1
    return r


def signal_frame(regs: pt.Regs, mask: int, fpstate: int, errno_at: int, errno_value: int,
                 pretcode: int, busy_at: int = 0, callee: int = 0) -> bytes:
    """An rt_sigframe whose rt_sigreturn resumes the thread at `regs` with
    signal mask `mask` and the XSAVE state at `fpstate`; errno's address and
    value, the slot's busy count and the callee ride in
    uc_mcontext.reserved1[0..3] for the landing code and the prologue."""
    f = abi.SigFrame(pretcode=pretcode)
    f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
    f.uc.uc_stack.ss_flags = SS_INVALID
    f.uc.uc_sigmask = mask
    mc = f.uc.uc_mcontext
    for name in abi.SIGCONTEXT_REGS + ("cs", "ss"):
        setattr(mc, name, getattr(regs, name))
    mc.fpstate = fpstate
    mc.reserved1[0], mc.reserved1[1] = errno_at, errno_value
    mc.reserved1[2], mc.reserved1[3] = busy_at, callee
    return bytes(f).ljust(FRAME_SIZE, b"\0")


def fpstate_image(xstate: bytes) -> bytes:
    """The XSAVE bytes of a signal frame, from ptrace's NT_X86_XSTATE image.
    Both are the standard XSAVE layout, but in ptrace's the software bytes
    of the legacy area (464..511) hold XCR0, and a signal frame's must hold
    struct _fpx_sw_bytes (magic1, extended size, features, state size) with
    FP_XSTATE_MAGIC2 right after the state: without them sigreturn restores
    only the legacy x87/SSE part and resets the rest (one remote call lost
    a thread's AVX-512 registers, zmm16-31, which glibc's EVEX string
    functions use).  An image that already holds magic1 is kept as it is."""
    if len(xstate) <= 512:
        return xstate[:512]
    magic1, ext, _, size = struct.unpack_from("<IIQI", xstate, 464)
    if magic1 == FP_XSTATE_MAGIC1 and size <= len(xstate) and ext >= size + 4:
        return xstate[:size] + struct.pack("<I", FP_XSTATE_MAGIC2)
    xcr0 = struct.unpack_from("<Q", xstate, 464)[0]
    size = len(xstate)
    sw = struct.pack("<IIQI", FP_XSTATE_MAGIC1, size + 4, xcr0, size).ljust(48, b"\0")
    return xstate[:464] + sw + xstate[512:] + struct.pack("<I", FP_XSTATE_MAGIC2)


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
        self._landing: Optional[int] = None
        self._areas: Optional[frames.Areas] = None
        self._mapping_area = False      # meanwhile frames go below the red zone

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
             let_others_run: bool = True, retries: int = 3, parking: Optional[Parking] = None,
             kill: Optional[str] = None) -> int:
        """Call fn(*args) in thread `tid` (default: pick_thread()); returns rax.
        The thread's registers, signal mask, vector state and errno are as
        they were afterwards -- whether or not we are still alive to see it.
        parking: the call switches the program (a commit, a rollback): every
        other thread is parked in the runtime meanwhile and the calling one
        runs with only SIGSEGV/SIGTRAP unblocked, so that if we die during
        it no thread runs the program's code until it is over.  kill: a
        kill point (faults.py) once the callee runs."""
        if len(args) > 6:
            raise ValueError("at most 6 arguments")
        tid = tid if tid is not None else self.pick_thread()
        where = self._errno_of(tid)
        return self._call(fn, args, timeout, tid, let_others_run, retries, self.landing(), where, parking, kill)

    # ---- the landing page ----
    def landing(self) -> int:
        """Address of the landing stub in the target (mapped on first use)."""
        if self._landing is None:
            self._landing = self._find_landing() or self._map_landing()
        return self._landing

    def _find_landing(self) -> Optional[int]:
        for m in procmem.read_maps(self.pid):
            if m.path or m.perms != "r-xp" or m.end - m.start > (1 << 20):
                continue
            for page in range(m.start, m.end, 4096):
                try:
                    head = self.mem.read(page, len(LANDING_MAGIC) + len(LANDING_CODE))
                except OSError:
                    break
                if head == LANDING_MAGIC + LANDING_CODE:
                    return page + len(LANDING_MAGIC)
        return None

    def _map_landing(self) -> int:
        base, e = self.libc()
        restore_rt = self._restore_rt()
        mmap = base + e.find("mmap", tables=(".dynsym",), kind="function").value
        maps = procmem.read_maps(self.pid)
        exe = procmem.exe_path(self.pid)
        near = min((m.start for m in maps if m.path == exe), default=base)
        tid = self.pick_thread()
        for hint in _hints_near(maps, near, 4096, room_after=True):
            self._call(mmap, (hint, 4096, PROT_READ | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0xFFFFFFFFFFFFFFFF, 0),
                       2.0, tid, True, 3, restore_rt, None)
            m = procmem.mapping_of(procmem.read_maps(self.pid), hint)
            # ours only if it is there, anonymous, r-x and still all zeros
            if m is None or m.path or m.perms != "r-xp" or self.mem.read(hint, 4096) != bytes(4096):
                continue
            self.mem.write(hint, LANDING_MAGIC + LANDING_CODE + bytes(8))
            return hint + len(LANDING_MAGIC)
        raise RemoteCallError(f"no free page near {near:#x} in process {self.pid} for the landing stub")

    # ---- the frame areas (frames.py) ----
    def areas(self) -> Optional[frames.Areas]:
        """The process's frame areas (the first mapped on first use); None
        while it is being mapped or if it cannot be."""
        if self._areas is None and not self._mapping_area:
            at_ptr = self.landing() - len(LANDING_MAGIC) + AREA_AT
            first = int.from_bytes(self.mem.read(at_ptr, 8), "little")
            if not first:
                first = self._map_area()
                if not first:
                    self._mapping_area = True       # no room: below the red zone, as before
                    return None
                self.mem.write(first, frames.header())
                self.mem.write(at_ptr, first.to_bytes(8, "little"))
            self._areas = frames.Areas(self.pid, self.mem, first)
        return self._areas

    def _map_area(self) -> int:
        """A fresh frame area (0 if the target has no room for it)."""
        self._mapping_area = True
        try:
            addr = self.call_libc("mmap", 0, frames.AREA_SIZE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0xFFFFFFFFFFFFFFFF, 0)
        finally:
            self._mapping_area = False
        return 0 if addr >= 0xFFFFFFFFFFFFF000 else addr

    def _slot(self, tid: int, saved: pt.Regs, land: int) -> Optional[frames.Slot]:
        """Thread `tid`'s slot for a frame returning into `land` (only the
        landing stub counts the slot's frames)."""
        if land != self._landing or self._areas is None:
            return None
        return self._areas.place(tid, saved.rsp, RED_ZONE)

    def _ensure_slots(self, tids: Sequence[int], land: int) -> None:
        """Slots for the threads a call gives frames to, mapped (by remote
        calls of their own) before the call touches any of them."""
        if land == self._landing and self.areas():
            self._areas.ensure(tids, self._map_area)

    def _restore_rt(self) -> int:
        """libc's sigreturn trampoline (the sa_restorer of every handler)."""
        base, e = self.libc()
        for seg in e.segments:
            if seg.type == elfmod.PT_LOAD and seg.flags & 1:       # executable
                k = e.data[seg.offset:seg.offset + seg.filesz].find(RESTORE_RT)
                if k >= 0:
                    return base + seg.vaddr + k
        raise RemoteCallError("no sigreturn trampoline (mov $15,%rax; syscall) in the target's libc")

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

    def out_of_malloc(self, tid: int, tries: int = 20) -> None:
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
            # (a thread inside a handler that blocks SIGTRAP cannot take our
            # breakpoint: it is only let run, briefly, and looked at again)
            if out < len(frames) and not pt.synchronous_blocked(tid) and self._run_to(tid, frames[out]):
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
        time (stopped again wherever it was).  The thread must not block
        SIGTRAP (pt.synchronous_blocked): its mask is left as it is."""
        st = self.tracer.threads[tid]
        orig = self.mem.read(addr, 1)
        self.mem.write(addr, b"\xcc")
        hit = False
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
                self._errno[tid] = self._call(self.libc_fn("__errno_location"), (), 2.0, tid, True, 3,
                                              self.landing(), None) or None
            except (RemoteCallError, elfmod.SymbolLookupError):
                pass
        return self._errno[tid]

    def _call(self, fn: int, args, timeout: float, tid: int, let_others_run: bool, retries: int,
              land: int, errno_at: Optional[int], parking: Optional[Parking] = None,
              kill: Optional[str] = None) -> int:
        """The call, returning into `land`: the landing stub, or (mapping it)
        libc's __restore_rt, which leaves no result to read (0 returned).
        A termination signal waits for its end."""
        with faults.critical():
            return self._call_critical(fn, args, timeout, tid, let_others_run, retries, land, errno_at,
                                       parking, kill)

    def _frame_below(self, top: int, saved: pt.Regs, mask: int, xstate: bytes, land: int,
                     errno_at: int = 0, errno_value: int = 0, slot: Optional[frames.Slot] = None,
                     callee: int = 0) -> int:
        """Write below `top` a signal frame that resumes the thread at `saved`;
        returns where it starts (the callee's entry rsp).  In a slot, the
        slot counts one frame more from here."""
        fp = fpstate_image(xstate)
        fp_at = (top - len(fp)) & ~63
        frame_at = ((fp_at - FRAME_SIZE) & ~0xF) - 8        # = 8 (mod 16): the callee's entry rsp
        self.mem.write(frame_at, signal_frame(resumed_regs(saved), mask, fp_at, errno_at, errno_value, land,
                                              slot.busy_at if slot else 0, callee)
                       .ljust(fp_at - frame_at, b"\0") + fp)
        if slot:
            self._areas.busy(slot, slot.busy + 1)
        return frame_at

    def _entry(self, fn: int, land: int) -> int:
        """Where a thread starts a call of fn: the landing page's prologue
        (which then jumps to fn, the frame's reserved1[3]), or fn itself when
        it returns through libc's trampoline (the landing page's own mapping)."""
        return land + PROLOGUE if land == self._landing else fn

    @staticmethod
    def _entry_regs(saved: pt.Regs, entry: int, frame_at: int, values: Sequence[int] = ()) -> pt.Regs:
        regs = saved.copy()
        regs.rsp = frame_at
        regs.rip = entry
        regs.rax = 0
        regs.orig_rax = 0xFFFFFFFFFFFFFFFF
        # no trap flag during the call: a thread caught in the runtime's
        # single-step write window has TF set (the frame keeps it)
        regs.eflags &= ~0x100
        for name, v in zip(("rdi", "rsi", "rdx", "rcx", "r8", "r9"), values):
            setattr(regs, name, v)
        return regs

    def _call_critical(self, fn: int, args, timeout: float, tid: int, let_others_run: bool, retries: int,
                       land: int, errno_at: Optional[int], parking: Optional[Parking] = None,
                       kill: Optional[str] = None) -> int:
        self._ensure_slots([tid] + ([t for t in self.tracer.threads if t != tid] if parking else []), land)
        st = self.tracer.threads[tid]
        self.tracer.requeue(tid)        # no signal held in its stop meanwhile
        saved = st.regs.copy() if st.regs is not None else self.tracer.refresh_regs(tid).copy()
        mask = pt.getsigmask(tid)
        xstate = pt.getxstate(tid)
        errno_value = int.from_bytes(self.mem.read(errno_at, 4), "little") if errno_at else 0
        # from the slot's top (or below the red zone): argument bytes, the FPU image, the frame
        slot = self._slot(tid, saved, land)
        top = slot.top if slot else (saved.rsp - RED_ZONE) & ~0xF
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
        frame_at = self._frame_below(top, saved, mask, xstate, land, errno_at or 0, errno_value, slot, fn)
        self.calls += 1
        pt.setregs(tid, self._entry_regs(saved, self._entry(fn, land), frame_at, values))
        back = saved
        parked: list[tuple[int, pt.Regs, int, Optional[frames.Slot]]] = []
        land_end = land + LANDING_RETURN if land == self._landing else land + len(RESTORE_RT)
        try:
            if parking is not None:
                # from here the callee runs even if we die: the others first
                self._park_others(tid, parking, parked)
            # the callee's faults and traps go to the runtime (pt.synchronous_blocked);
            # any other signal waits, pending, for the frame's sigreturn to put the
            # thread's own mask back (and no handler of the program runs in the callee)
            pt.setsigmask(tid, ONLY_SYNC)
            r = self._run(tid, st, timeout, let_others_run, retries, land_end, frame_at + 8, kill)
            back = resumed_regs(saved)
            return r
        finally:
            self._unpark(parked)
            try:
                if back is saved and self._return_through_frame(tid, st, land, land_end, frame_at):
                    back = resumed_regs(saved)
                if back is saved:
                    # not back through the frame: put it all back ourselves
                    pt.setxstate(tid, xstate)
                    pt.setsigmask(tid, mask)
                    if errno_at:
                        self.mem.write(errno_at, errno_value.to_bytes(4, "little"))
                    pt.setregs(tid, saved)
                elif pt.getregs(tid) != back:
                    pt.setregs(tid, back)
                if slot:
                    self._areas.busy(slot, slot.busy)
                st.regs = back
            except (pt.PtraceError, OSError):
                pass
            self._settle_signal(st)

    def _return_through_frame(self, tid: int, st: pt.ThreadState, land: int, land_end: int, frame_at: int) -> bool:
        """A call that did not come back (timed out, crashed): the thread is
        sent through the landing stub and its rt_sigreturn, as if the callee
        had returned, so that the kernel puts back what the prologue changed
        (its altstack) with the rest.  False: it could not be (libc's
        trampoline, or the thread did not get there)."""
        if land != self._landing:
            return False
        regs = pt.getregs(tid)
        regs.rip, regs.rsp, regs.rax, regs.orig_rax = land, frame_at + 8, 0, 0xFFFFFFFFFFFFFFFF
        regs.eflags &= ~0x100
        pt.setregs(tid, regs)
        landed: list[int] = []
        try:
            pt.syscall(tid, 0)
            while True:
                if self._step(tid, st, pt.wait(tid, 1.0), land_end, frame_at + 8, landed):
                    return True
        except (pt.WaitTimeout, RemoteCallError):
            try:
                pt.interrupt(tid)
                self._wait_any_stop(tid)
            except (pt.PtraceError, pt.WaitTimeout):
                pass
            return False

    def _park_others(self, tid: int, parking: Parking, parked: list[tuple[int, pt.Regs, int]]) -> None:
        """Point every thread but `tid` at polus_rt_park(gen) under a frame
        that puts it back as it was (runtime/rt_park.c): they never run while
        we live (_unpark puts their registers back), and wait there for the
        switch to end if we die.  `parked` gets what _unpark needs."""
        others = [t for t in self.tracer.threads if t != tid]
        # our pid in the low half: the runtime tells us from a later command's tracer
        gen = int.from_bytes(os.urandom(4), "little") << 32 | os.getpid()
        self.mem.write(parking.gate, bytes(abi.ParkGate(gen, len(others), parking.hold_ms)))
        land = self.landing()
        for t in others:
            st = self.tracer.threads[t]
            self.tracer.requeue(t)
            saved = st.regs.copy() if st.regs is not None else self.tracer.refresh_regs(t).copy()
            mask = pt.getsigmask(t)
            slot = self._slot(t, saved, land)
            top = slot.top if slot else (saved.rsp - RED_ZONE) & ~0xF
            frame_at = self._frame_below(top, saved, mask, pt.getxstate(t), land, slot=slot, callee=parking.fn)
            parked.append((t, saved, mask, slot))
            pt.setsigmask(t, ONLY_SYNC)
            pt.setregs(t, self._entry_regs(saved, self._entry(parking.fn, land), frame_at, (gen,)))
            faults.kill_point("parking")        # some threads parked, the others not

    def _unpark(self, parked: list[tuple[int, pt.Regs, int, Optional[frames.Slot]]]) -> None:
        """The parked threads as they were (they never ran)."""
        for t, saved, mask, slot in parked:
            try:
                pt.setregs(t, saved)
                pt.setsigmask(t, mask)
                if slot:
                    self._areas.busy(slot, slot.busy)
            except (pt.PtraceError, OSError):
                pass

    @staticmethod
    def _settle_signal(st: pt.ThreadState) -> None:
        """The thread no longer sits in the signal-delivery-stop it was taken
        from: a fault it was stopped at happens again when it re-executes the
        instruction (dropped here); any other signal is raised again on resume."""
        st.in_signal_stop = False
        if pt.is_fault(st.signal, st.siginfo):
            st.signal, st.siginfo = 0, None

    def _run(self, tid: int, st: pt.ThreadState, timeout: float, let_others_run: bool, retries: int,
             land_end: int, land_rsp: int, kill: Optional[str] = None) -> int:
        """Run the callee to the landing stub's rt_sigreturn, let it restore
        the thread, and return the callee's rax (rdi at the stub)."""
        pt.syscall(tid, 0)
        faults.next_call()
        if kill:
            faults.kill_point(kill)
        tries = 0
        landed: list[int] = []      # the callee's result, once it reached the stub
        # seized threads that run on may stop on a signal of their own meanwhile
        # (the runtime's write-through): they are let on while we wait
        idle = None if self.tracer.stopped else self.tracer.service_running
        while True:
            try:
                status = pt.wait(tid, timeout, on_idle=idle)
            except pt.WaitTimeout:
                tries += 1
                if let_others_run and tries <= retries:
                    # someone else may hold the lock the callee waits for: let
                    # them run while the callee goes on (its stops served at once)
                    all_stopped = self.tracer.stopped
                    resumed = self.tracer.resume_all(except_tid=tid)
                    try:
                        done = self._serve(tid, st, 0.005 * tries, land_end, land_rsp, landed)
                    finally:
                        if all_stopped:
                            self.tracer.stop_all()
                        else:
                            self.tracer.stop_threads(resumed)
                    if done:
                        return landed[0]
                    continue
                pt.interrupt(tid)
                self._wait_any_stop(tid)
                raise RemoteTimeout(f"the call did not return within {timeout * (tries):.1f}s "
                                    "(a lock held by a stopped thread?)")
            if self._step(tid, st, status, land_end, land_rsp, landed):
                return landed[0]

    def _serve(self, tid: int, st: pt.ThreadState, seconds: float, land_end: int, land_rsp: int,
               landed: list[int]) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                status = pt.wait(tid, left)
            except pt.WaitTimeout:
                return False
            if self._step(tid, st, status, land_end, land_rsp, landed):
                return True

    def _step(self, tid: int, st: pt.ThreadState, status: int, land_end: int, land_rsp: int,
              landed: list[int]) -> bool:
        """One stop of the callee: True when the thread is back (the exit of
        our rt_sigreturn); otherwise it is let on."""
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            raise pt.ProcessGone(f"process {self.pid} exited during a remote call")
        if not os.WIFSTOPPED(status):
            return False
        sig, event = os.WSTOPSIG(status), status >> 16
        if event == 0 and sig == pt.SYSCALL_STOP:
            if landed:
                return True             # the exit of our rt_sigreturn: the thread is itself again
            regs = pt.getregs(tid)
            if regs.orig_rax == NR_RT_SIGRETURN and regs.rip == land_end and regs.rsp == land_rsp:
                landed.append(regs.rdi)
            pt.syscall(tid, 0)
            return False
        if event:
            pt.syscall(tid, 0)          # a leftover interrupt (or group stop): go on
            return False
        if sig in pt.SYNC_SIGNALS:
            code = pt.si_code(pt.getsiginfo(tid))
            # the runtime's write-through: a write to a protected page (SEGV_ACCERR) and
            # its single-step trap go to the handler; any other fault is a crash of the
            # callee, taken back here instead of killing the process
            if ((sig == signal.SIGSEGV and code == pt.SEGV_ACCERR) or sig == signal.SIGTRAP) \
                    and _caught_handler(self.pid, sig):
                pt.syscall(tid, sig)
                return False
            raise RemoteCallError(f"the call crashed with {signal.Signals(sig).name} at "
                                  f"{describe_addr(self.pid, pt.getregs(tid).rip)}")
        # an asynchronous signal (sent before the call's mask blocked it): resumed
        # with it, the thread has the kernel queue it again, blocked until the
        # frame's sigreturn puts the thread's own mask back
        pt.syscall(tid, sig)
        return False

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
        self.landing()          # mapped first: trampoline pages follow it
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


def _hints_near(maps: Sequence[procmem.Mapping], near: int, size: int, room_after: bool = False):
    """Free gaps next to the mappings around `near`, nearest first, a guard
    page from their neighbours; but first right after an anonymous r-x
    mapping (the landing page, an earlier apply's trampolines): the kernel
    merges the two, and every mapping costs a fork server's each fork.
    room_after: only places with free room after them (for the landing page,
    which trampoline pages then follow)."""
    cands, after_tramps = [], []
    ordered = sorted(maps, key=lambda m: m.start)
    for a, b in zip(ordered, ordered[1:]):
        if b.start - a.end >= size + 0x1000 and not a.path and a.perms == "r-xp":
            after_tramps.append(a.end)
        if b.start - a.end >= size + 0x2000:
            cands.append(a.end + 0x1000)
            if not room_after:
                cands.append(b.start - size - 0x1000)
    after_tramps.sort(key=lambda h: abs(h - near))
    cands.sort(key=lambda h: abs(h - near))
    return [h for h in after_tramps + cands if abs(h - near) < (1 << 31) - size][:8]
