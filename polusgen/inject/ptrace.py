"""ptrace through ctypes, and the stopping of every thread of a process.

Seize (not attach: no SIGSTOP is sent), interrupt, wait with __WALL, and the
bookkeeping that lets a whole process be stopped, worked on and resumed with
nothing lost: a signal that arrived while a thread was being stopped is put
back when it resumes (with its original siginfo), never swallowed.
"""
from __future__ import annotations

import ctypes
import errno
import os
import signal
import time
from dataclasses import dataclass, field
from typing import Optional

PTRACE_PEEKDATA = 2
PTRACE_CONT = 7
PTRACE_SINGLESTEP = 9
PTRACE_GETREGS = 12
PTRACE_SETREGS = 13
PTRACE_DETACH = 17
PTRACE_GETSIGINFO = 0x4202
PTRACE_SETSIGINFO = 0x4203
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
PTRACE_EVENT_STOP = 128
__WALL = 0x40000000

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


def seize(tid: int, options: int = 0) -> None:
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


def singlestep(tid: int, sig: int = 0) -> None:
    _call(PTRACE_SINGLESTEP, tid, None, sig)


def detach(tid: int, sig: int = 0) -> None:
    _call(PTRACE_DETACH, tid, None, sig)


def getsiginfo(tid: int) -> bytes:
    buf = ctypes.create_string_buffer(128)
    _call(PTRACE_GETSIGINFO, tid, None, ctypes.addressof(buf))
    return buf.raw


def setsiginfo(tid: int, info: bytes) -> None:
    buf = ctypes.create_string_buffer(info, 128)
    _call(PTRACE_SETSIGINFO, tid, None, ctypes.addressof(buf))


def siginfo_addr(info: bytes) -> int:
    """si_addr of a fault's siginfo (offset 16 on x86_64)."""
    return int.from_bytes(info[16:24], "little")


def tgkill(pid: int, tid: int, sig: int) -> None:
    _libc.syscall(234, pid, tid, sig)   # SYS_tgkill


def wait(tid: int, timeout: Optional[float]) -> int:
    """waitpid(tid, __WALL) with a timeout: returns the raw status."""
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.00002
    while True:
        try:
            pid, status = os.waitpid(tid, os.WNOHANG | __WALL)
        except ChildProcessError:
            raise ProcessGone(f"thread {tid} is gone")
        if pid == tid:
            return status
        if deadline is not None and time.monotonic() > deadline:
            raise WaitTimeout(f"thread {tid} did not stop within {timeout}s")
        time.sleep(delay)
        delay = min(delay * 2, 0.001)


@dataclass
class ThreadState:
    tid: int
    regs: Optional[Regs] = None
    signal: int = 0                 # signal of a signal-delivery-stop, to put back on resume
    siginfo: Optional[bytes] = None
    in_signal_stop: bool = False    # stopped in signal-delivery-stop (a signal can be injected)
    deferred: list[int] = field(default_factory=list)   # async signals taken during our calls


SIGSTOPS = {signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU}


class Tracer:
    """Every thread of one process, seized; stop_all() / resume_all() / detach_all()."""

    def __init__(self, pid: int):
        self.pid = pid
        self.threads: dict[int, ThreadState] = {}
        self.stopped = False
        self.stop_time = 0.0          # total seconds every thread was stopped
        self._stopped_at = 0.0

    # ---- attaching ----
    def _tids(self) -> set[int]:
        try:
            return {int(t) for t in os.listdir(f"/proc/{self.pid}/task")}
        except FileNotFoundError:
            raise ProcessGone(f"process {self.pid} exited")

    def attach(self) -> None:
        """Seize and stop every thread, rescanning /proc/PID/task until no new one appears."""
        if not os.path.exists(f"/proc/{self.pid}"):
            raise ProcessGone(f"no process {self.pid}")
        self._stopped_at = time.perf_counter()
        self.stopped = True
        self._stop_new(first=True)

    def _stop_new(self, first: bool = False, keep_running: Optional[set] = None) -> None:
        while True:
            new = [t for t in sorted(self._tids()) if t not in self.threads]
            if not new:
                return
            seized = []
            for t in new:
                try:
                    seize(t)
                except PtraceError as e:
                    if e.errno == errno.ESRCH:
                        continue
                    if first and not self.threads and not seized:
                        raise
                    raise
                self.threads[t] = ThreadState(t)
                seized.append(t)
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
                # signal-delivery-stop: the thread is stopped; keep the signal for later
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

    def _gone(self, t: int) -> None:
        self.threads.pop(t, None)
        if t == self.pid or not os.path.exists(f"/proc/{self.pid}"):
            raise ProcessGone(f"process {self.pid} exited")

    # ---- running and stopping again ----
    def resume_all(self, except_tid: Optional[int] = None) -> None:
        for t, st in list(self.threads.items()):
            if t == except_tid:
                continue
            self._resume(st, cont)
        if except_tid is None:
            self.stop_time += time.perf_counter() - self._stopped_at
            self.stopped = False

    def _resume(self, st: ThreadState, how) -> None:
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

    def stop_all(self, except_tid: Optional[int] = None) -> None:
        if except_tid is None:
            self._stopped_at = time.perf_counter()
            self.stopped = True
        for t in list(self.threads):
            if t != except_tid and self.threads[t].regs is None:
                self._interrupt_and_wait(t)
        self._stop_new()

    def refresh_regs(self, t: int) -> Regs:
        st = self.threads[t]
        st.regs = getregs(t)
        return st.regs

    def detach_all(self) -> None:
        if self.stopped:
            self.stop_time += time.perf_counter() - self._stopped_at
            self.stopped = False
        for t, st in list(self.threads.items()):
            sig = st.signal if (st.signal and st.in_signal_stop) else 0
            try:
                if sig and st.siginfo is not None:
                    setsiginfo(t, st.siginfo)
                detach(t, sig)
            except PtraceError as e:
                if e.errno == errno.ESRCH:
                    # not stopped (running after a partial resume): stop it, then detach
                    try:
                        interrupt(t)
                        wait(t, 1.0)
                        detach(t, 0)
                    except Exception:
                        pass
            for d in st.deferred:
                tgkill(self.pid, t, d)
        self.threads.clear()
