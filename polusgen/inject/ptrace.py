"""ptrace through ctypes, and the stopping of every thread of a process.

Seize (not attach: no SIGSTOP is sent), interrupt, wait with __WALL, and the
bookkeeping that lets a whole process be stopped, worked on and resumed with
nothing lost, even if we die: a signal a thread was stopped delivering is
not held in that stop (the kernel forgets it when its tracer dies) but
queued again in the kernel, pending, with its siginfo; a fault or trap of
the thread's own is put back when it resumes, never swallowed.
"""
from __future__ import annotations

import ctypes
import errno
import os
import signal
import time
from dataclasses import dataclass, field
from typing import Optional

PTRACE_CONT = 7
PTRACE_SINGLESTEP = 9
PTRACE_SYSCALL = 24
PTRACE_GETREGS = 12
PTRACE_SETREGS = 13
PTRACE_DETACH = 17
PTRACE_GETSIGINFO = 0x4202
PTRACE_SETSIGINFO = 0x4203
PTRACE_GETREGSET = 0x4204
PTRACE_SETREGSET = 0x4205
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
PTRACE_GETSIGMASK = 0x420A
PTRACE_SETSIGMASK = 0x420B
PTRACE_EVENT_STOP = 128
PTRACE_O_TRACESYSGOOD = 1
SYSCALL_STOP = 0x80 | 5          # WSTOPSIG of a syscall-stop (SIGTRAP | 0x80)
NT_X86_XSTATE = 0x202
WALL = __WALL = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)
_ptrace = _libc.ptrace
_ptrace.restype = ctypes.c_long
_ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class Regs(ctypes.Structure):
    """struct user_regs_struct (x86_64)."""
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
        "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
        "ds", "es", "fs", "gs")]

    def copy(self) -> "Regs":
        return Regs.from_buffer_copy(self)

    def __eq__(self, other) -> bool:
        return isinstance(other, Regs) and bytes(self) == bytes(other)


class SigInfoHead(ctypes.Structure):
    """The head of siginfo_t that every signal fills: number, errno, code."""
    _fields_ = [("si_signo", ctypes.c_int32), ("si_errno", ctypes.c_int32), ("si_code", ctypes.c_int32)]


SIGINFO_SIZE = 128               # sizeof(siginfo_t)
SEGV_ACCERR = 2                  # si_code of a write to a page without the permission


def si_code(info: bytes) -> int:
    return SigInfoHead.from_buffer_copy(info).si_code


class PtraceError(OSError):
    pass


class ProcessGone(Exception):
    """The target (or the thread) exited while we worked on it."""


class WaitTimeout(Exception):
    pass


def _call(req: int, tid: int, addr=None, data=None) -> int:
    ctypes.set_errno(0)
    r = _ptrace(req, tid, addr, data)
    if r == -1:
        e = ctypes.get_errno()
        if e:
            raise PtraceError(e, f"ptrace({req:#x}, {tid}): {os.strerror(e)}")
    return r


def seize(tid: int, options: int = PTRACE_O_TRACESYSGOOD) -> None:
    _call(PTRACE_SEIZE, tid, None, options)


def interrupt(tid: int) -> None:
    _call(PTRACE_INTERRUPT, tid)


def getregs(tid: int) -> Regs:
    r = Regs()
    _call(PTRACE_GETREGS, tid, None, ctypes.addressof(r))
    return r


def setregs(tid: int, regs: Regs) -> None:
    _call(PTRACE_SETREGS, tid, None, ctypes.addressof(regs))


def cont(tid: int, sig: int = 0) -> None:
    _call(PTRACE_CONT, tid, None, sig)


def syscall(tid: int, sig: int = 0) -> None:
    """Resume until the next system-call entry or exit (a SYSCALL_STOP)."""
    _call(PTRACE_SYSCALL, tid, None, sig)


class _Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def getxstate(tid: int) -> bytes:
    """The thread's whole FPU/vector state in the XSAVE layout a signal frame
    carries (its sw_reserved bytes already hold the kernel's xstate sizes)."""
    buf = ctypes.create_string_buffer(1 << 14)
    iov = _Iovec(ctypes.addressof(buf), len(buf))
    _call(PTRACE_GETREGSET, tid, NT_X86_XSTATE, ctypes.addressof(iov))
    return buf.raw[:iov.len]


def setxstate(tid: int, state: bytes) -> None:
    buf = ctypes.create_string_buffer(state, len(state))
    iov = _Iovec(ctypes.addressof(buf), len(state))
    _call(PTRACE_SETREGSET, tid, NT_X86_XSTATE, ctypes.addressof(iov))


def singlestep(tid: int, sig: int = 0) -> None:
    _call(PTRACE_SINGLESTEP, tid, None, sig)


def detach(tid: int, sig: int = 0) -> None:
    _call(PTRACE_DETACH, tid, None, sig)


def getsiginfo(tid: int) -> bytes:
    buf = ctypes.create_string_buffer(SIGINFO_SIZE)
    _call(PTRACE_GETSIGINFO, tid, None, ctypes.addressof(buf))
    return buf.raw


def setsiginfo(tid: int, info: bytes) -> None:
    buf = ctypes.create_string_buffer(info, SIGINFO_SIZE)
    _call(PTRACE_SETSIGINFO, tid, None, ctypes.addressof(buf))


def getsigmask(tid: int) -> int:
    """The thread's blocked-signal mask (bit n-1: signal n)."""
    m = ctypes.c_uint64()
    _call(PTRACE_GETSIGMASK, tid, 8, ctypes.addressof(m))
    return m.value


def setsigmask(tid: int, mask: int) -> None:
    m = ctypes.c_uint64(mask)
    _call(PTRACE_SETSIGMASK, tid, 8, ctypes.addressof(m))


SYNCHRONOUS = (1 << (signal.SIGSEGV - 1)) | (1 << (signal.SIGTRAP - 1))
SYNC_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGTRAP)


def synchronous_blocked(tid: int) -> bool:
    """Does the thread block SIGSEGV or SIGTRAP (it is inside a signal
    handler whose mask holds them: the runtime's own, for one)?  Such a
    thread must not run into a fault or a trap: the kernel forces a blocked
    synchronous signal through by resetting the process's handler to
    SIG_DFL, which ends write-through silently or kills the process.  Our
    own callees run with the two unblocked (remote.py: the call's frame
    puts the mask back); the thread's own code never runs with a mask we
    changed: a signal it takes meanwhile saves that mask in its frame, and
    no later guess can tell which of the thread's masks to put back (a
    guess once left SIGSEGV blocked inside the runtime's sync code, and the
    next write-through fault killed the ftpish listener)."""
    try:
        return bool(getsigmask(tid) & SYNCHRONOUS)
    except PtraceError:
        return True


def is_fault(sig: int, info: Optional[bytes]) -> bool:
    """A fault or trap of the thread's own (not one sent to it): it happens
    again when the thread re-executes the instruction."""
    return sig in SYNC_SIGNALS and info is not None and si_code(info) > 0


def tgkill(pid: int, tid: int, sig: int) -> None:
    _libc.syscall(234, pid, tid, sig)   # SYS_tgkill


def wait(tid: int, timeout: Optional[float], on_idle=None) -> int:
    """waitpid(tid, __WALL) with a timeout: returns the raw status.  on_idle()
    is called between two looks."""
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    delay = 0.00005
    spin_until = start + 0.0005      # most stops come within microseconds: poll before sleeping
    next_check = start + 0.02
    while True:
        try:
            pid, status = os.waitpid(tid, os.WNOHANG | WALL)
        except ChildProcessError:
            raise ProcessGone(f"thread {tid} is gone")
        if pid == tid:
            return status
        if on_idle is not None:
            on_idle()
        now = time.monotonic()
        if now > next_check:
            next_check = now + 0.02
            if dying(tid):
                if process_dying(tid):
                    reap_group(tid)
                raise ProcessGone(f"thread {tid} exited")
        if deadline is not None and now > deadline:
            raise WaitTimeout(f"thread {tid} did not stop within {timeout}s")
        if now < spin_until:
            continue
        time.sleep(delay)
        delay = min(delay * 2, 0.001 if on_idle is None else 0.0002)


def dying(tid: int) -> bool:
    """A zombie (or gone) thread: a leader waits as a zombie until its traced
    threads are reaped, so waiting for it alone would never end."""
    try:
        with open(f"/proc/{tid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def process_dying(pid: int) -> bool:
    """Every thread of the process is gone or a zombie (a leader that called
    pthread_exit is a zombie while its other threads run on)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    return all(dying(int(t)) for t in tids)


def reap_group(tid: int) -> None:
    """Collect the exit notifications of the traced threads of a dying process
    (only its own threads: never a child of ours that is not the target)."""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{tid}/task")]
    except OSError:
        tids = [tid]
    for t in tids:
        try:
            os.waitpid(t, os.WNOHANG | WALL)
        except ChildProcessError:
            pass


@dataclass
class ThreadState:
    tid: int
    regs: Optional[Regs] = None
    signal: int = 0                 # signal of a signal-delivery-stop, to put back on resume
    siginfo: Optional[bytes] = None
    in_signal_stop: bool = False    # stopped in signal-delivery-stop (a signal can be injected)
    deferred: list[int] = field(default_factory=list)   # async signals taken during our calls

    def access_fault(self) -> bool:
        """Stopped at a write to a protected page (SEGV_ACCERR): never handed
        on, since what we did meanwhile may have unprotected the page and
        dropped it from the runtime's tables (a rollback, an unload); the
        store runs again and faults afresh if the page is still protected."""
        return self.signal == signal.SIGSEGV and self.siginfo is not None and \
            si_code(self.siginfo) == SEGV_ACCERR


class Tracer:
    """Every thread of one process, seized.  attach() stops them all (or, with
    stop=False, only one to make calls with); stop_all() / resume_all() /
    detach_all().  A thread is stopped when its ThreadState has regs."""

    def __init__(self, pid: int):
        self.pid = pid
        self.threads: dict[int, ThreadState] = {}
        self.stopped = False          # every thread stopped (the "all stopped" phase)
        self.stop_time = 0.0          # total seconds every thread was stopped
        self._stopped_at = 0.0

    # ---- attaching ----
    def _tids(self) -> set[int]:
        try:
            return {int(t) for t in os.listdir(f"/proc/{self.pid}/task")}
        except FileNotFoundError:
            raise ProcessGone(f"process {self.pid} exited")

    def attach(self, stop: bool = True) -> None:
        """Seize every thread, rescanning /proc/PID/task until no new one appears;
        stop them all, or with stop=False only the main thread (the others run
        on, seized, until stop_all())."""
        if not os.path.exists(f"/proc/{self.pid}"):
            raise ProcessGone(f"no process {self.pid}")
        if stop:
            self._stopped_at = time.perf_counter()
            self.stopped = True
            self._seize_new(stop=True)
            return
        self._seize_new(stop=False)
        if not self.threads:
            raise ProcessGone(f"process {self.pid} exited")
        first = self.pid if self.pid in self.threads else min(self.threads)
        self._interrupt_and_wait(first)

    def _seize_new(self, stop: bool) -> None:
        while True:
            new = [t for t in sorted(self._tids()) if t not in self.threads and not dying(t)]
            if not new:
                return
            seized = []
            for t in new:
                try:
                    seize(t)
                except PtraceError as e:
                    if e.errno == errno.ESRCH:
                        continue
                    raise
                self.threads[t] = ThreadState(t)
                seized.append(t)
            if not stop:
                continue
            for t in seized:
                self._interrupt_and_wait(t)

    def _interrupt_and_wait(self, t: int) -> None:
        try:
            interrupt(t)
        except PtraceError as e:
            if e.errno == errno.ESRCH:
                self._gone(t)
                return
            raise
        self._wait_stopped(t)

    def _wait_stopped(self, t: int, timeout: float = 5.0) -> None:
        st = self.threads[t]
        while True:
            try:
                status = wait(t, timeout)
            except ProcessGone:
                self._gone(t)
                return
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                self._gone(t)
                return
            if not os.WIFSTOPPED(status):
                continue
            sig, event = os.WSTOPSIG(status), status >> 16
            if event == PTRACE_EVENT_STOP:
                st.in_signal_stop = False
                break
            if event == 0:
                # signal-delivery-stop: the thread is stopped; keep the signal for now
                if st.signal:
                    # a second one: it cannot be injected at the same stop, re-raise later
                    st.deferred.append(sig)
                else:
                    st.signal = sig
                    try:
                        st.siginfo = getsiginfo(t)
                    except PtraceError:
                        st.siginfo = None
                st.in_signal_stop = True
                break
            # other ptrace events are not enabled; keep waiting
            cont(t, 0)
        st.regs = getregs(t)
        self.requeue(t)

    def requeue(self, t: int) -> None:
        """Thread t (stopped) holds no signal of its own in our memory or in
        its stop, which the kernel forgets when its tracer dies (a thread
        flooded with queued signals lost one in 4 of 4 kills of apply with
        every thread stopped): the signal of a signal-delivery-stop is
        queued again -- the thread resumed with it while its mask blocks
        it, the kernel queues it back with its siginfo and, interrupted
        again (the first interrupt is usually still pending), stops it
        before it returns to its code -- and the ones held back for later
        are raised again.  (Not a single step: the trap flag it sets would
        outlive us.  A queued real-time signal goes behind the others of its
        number; a standard one merges with one already pending, as the
        kernel merges any.)  A fault or trap of its own stays in the stop
        (re-executed, it happens again); so does SIGSTOP, which nothing
        blocks."""
        st = self.threads[t]
        for d in st.deferred:
            tgkill(self.pid, t, d)
        st.deferred.clear()
        sig = st.signal if st.in_signal_stop else 0
        if not sig or sig == signal.SIGSTOP or is_fault(sig, st.siginfo):
            return
        mask = getsigmask(t)
        setsigmask(t, mask | 1 << (sig - 1))
        st.signal, st.siginfo, st.in_signal_stop = 0, None, False
        try:
            cont(t, sig)
            interrupt(t)
            self._wait_stopped(t)
        finally:
            try:
                setsigmask(t, mask)
            except PtraceError:
                pass

    def _gone(self, t: int) -> None:
        self.threads.pop(t, None)
        if process_dying(self.pid) or not self.threads and not self._live_tids():
            raise ProcessGone(f"process {self.pid} exited")

    def _live_tids(self) -> list[int]:
        try:
            return [t for t in self._tids() if not dying(t)]
        except ProcessGone:
            return []

    # ---- running and stopping again ----
    def resume_all(self, except_tid: Optional[int] = None) -> list[int]:
        """Let every stopped thread (but `except_tid`) run; returns their tids."""
        resumed = []
        for t, st in list(self.threads.items()):
            if t == except_tid or st.regs is None:
                continue
            self._resume(st, cont)
            resumed.append(t)
        if self.stopped:
            self.stop_time += time.perf_counter() - self._stopped_at
            self.stopped = False
        return resumed

    def _resume(self, st: ThreadState, how) -> None:
        if st.access_fault():
            st.signal, st.siginfo = 0, None
        sig = st.signal if st.in_signal_stop else 0
        if st.signal and not sig:
            st.deferred.append(st.signal)
        if sig:
            if st.siginfo is not None:
                try:
                    setsiginfo(st.tid, st.siginfo)
                except PtraceError:
                    pass
        try:
            how(st.tid, sig)
        except PtraceError as e:
            if e.errno != errno.ESRCH:
                raise
        st.signal, st.siginfo = 0, None
        st.in_signal_stop = False
        st.regs = None
        for d in st.deferred:
            tgkill(self.pid, st.tid, d)
        st.deferred.clear()

    def service_running(self) -> None:
        """Seized threads we did not stop that stopped on their own (a signal
        arrived: the runtime's write-through, a timer): deliver the signal and
        let them go on, so that nobody waits for us while we work."""
        for t, st in list(self.threads.items()):
            if st.regs is not None:
                continue
            try:
                pid, status = os.waitpid(t, os.WNOHANG | WALL)
            except ChildProcessError:
                self.threads.pop(t, None)
                continue
            if pid == 0:
                continue
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                self.threads.pop(t, None)
            elif os.WIFSTOPPED(status):
                sig = os.WSTOPSIG(status) if status >> 16 == 0 else 0
                try:
                    cont(t, sig)
                except PtraceError:
                    pass

    def stop_threads(self, tids) -> None:
        for t in tids:
            if t in self.threads and self.threads[t].regs is None:
                self._interrupt_and_wait(t)

    def stop_all(self) -> None:
        """Stop every thread, the ones that appeared meanwhile too."""
        if not self.stopped:
            self._stopped_at = time.perf_counter()
            self.stopped = True
        self.stop_threads(list(self.threads))
        self._seize_new(stop=True)

    def refresh_regs(self, t: int) -> Regs:
        st = self.threads[t]
        st.regs = getregs(t)
        return st.regs

    def detach_all(self) -> None:
        if self.stopped:
            self.stop_time += time.perf_counter() - self._stopped_at
            self.stopped = False
        for t, st in list(self.threads.items()):
            if st.regs is None:
                # seized but running: stop it first (detach needs a stopped tracee)
                try:
                    self._interrupt_and_wait(t)
                except (ProcessGone, PtraceError):
                    continue
                st = self.threads.get(t)
                if st is None:
                    continue
            sig = st.signal if (st.signal and st.in_signal_stop and not st.access_fault()) else 0
            try:
                if sig and st.siginfo is not None:
                    setsiginfo(t, st.siginfo)
                detach(t, sig)
            except PtraceError:
                pass
            for d in st.deferred:
                tgkill(self.pid, t, d)
        self.threads.clear()
