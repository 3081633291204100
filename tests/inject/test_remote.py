"""Remote calls and dlopen in live multithreaded targets that keep running correctly."""
from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.build import build_c, build_so, needs_gcc, needs_ptrace
from tests.support.process import eventually
from polusgen.inject import procmem, remote
from polusgen.inject import ptrace as pt

PROGS = Path(__file__).parent / "progs"
pytestmark = [needs_gcc, needs_ptrace]


@pytest.fixture
def busy(tmp_path, pie):
    return build_c([PROGS / "busy.c"], tmp_path / "busy", pie=pie)


def counts(line: str) -> list[int]:
    return [int(x) for x in line.split()[2:]]


@contextmanager
def attached(pid, ready=None, tries: int = 200, pause: float = 0.001):
    """The target with every thread stopped and its memory open, detached on
    exit; with `ready`, attached again until ready(tr, mem) (at most `tries` times)."""
    for _ in range(tries if ready else 1):
        tr = pt.Tracer(pid)
        tr.attach()
        mem = procmem.Memory(pid)
        if ready is None or ready(tr, mem):
            break
        tr.detach_all()
        mem.close()
        time.sleep(pause)
    else:
        raise AssertionError(f"process {pid}: never stopped in the state the test needs")
    try:
        yield tr, mem
    finally:
        tr.detach_all()
        mem.close()


def test_getpid_in_a_multithreaded_target(busy, targets):
    t = targets.start([busy])
    before = counts(t.ask("a"))
    with attached(t.pid) as (tr, mem):
        assert len(tr.threads) == 5
        # as the threads go on: one stopped in a system call restarts it
        regs = {tid: remote.resumed_regs(st.regs) for tid, st in tr.threads.items()}
        r = remote.Remote(tr, mem)
        for _ in range(3):
            assert r.call_libc("getpid") == t.pid
        for tid in tr.threads:       # every thread can call, and comes back exactly as it was
            assert r.call_libc("getpid", tid=tid) == t.pid
        assert {tid: st.regs for tid, st in tr.threads.items()} == regs
        assert {tid: pt.getregs(tid) for tid in tr.threads} == regs
    eventually(lambda: counts(t.ask("b")), lambda after: all(a > b for a, b in zip(after, before)))
    assert t.ask("c").startswith("ok c ")
    assert t.alive()


def test_strings_reach_the_callee(busy, targets):
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        r = remote.Remote(tr, mem)
        assert r.call_libc("strlen", "hello, target") == 13
        assert r.call_libc("strlen", b"x" * 1000 + b"\0") == 1000
    assert t.ask("z").startswith("ok z ")


def test_dlopen_into_a_target_blocked_in_a_syscall(busy, targets, tmp_path):
    lib = tmp_path / "libhello.c"
    lib.write_text("int hello_value = 41;\nint hello(void) { return ++hello_value; }\n")
    so = build_so(lib, tmp_path / "libhello.so")
    t = targets.start([busy])
    t.ask("warm")

    def main_blocked_in_read(tr, mem) -> bool:
        return tr.threads[t.pid].regs.orig_rax == 0

    with attached(t.pid, main_blocked_in_read, tries=100, pause=0.01) as (tr, mem):
        r = remote.Remote(tr, mem)
        h = r.dlopen(str(so))
        assert h != 0
        maps = procmem.read_maps(t.pid)
        assert str(so) in procmem.loaded_paths(maps)
        from polusgen.elf import ElfFile
        e = ElfFile(so)
        base = procmem.load_base(maps, str(so), e.first_load_vaddr)
        assert r.call(base + e.find("hello").value, tid=t.pid) == 42
        assert r.call(base + e.find("hello").value) == 43
    # main's read(2) restarts as if nothing happened
    assert t.ask("after-dlopen").startswith("ok after-dlopen ")
    assert t.alive()


def test_dlopen_failure_gives_the_targets_dlerror(busy, targets, tmp_path):
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        r = remote.Remote(tr, mem)
        with pytest.raises(remote.RemoteCallError, match="no-such-lib.so"):
            r.dlopen(str(tmp_path / "no-such-lib.so"))
    assert t.ask("still").startswith("ok still ")


def test_a_second_tracer_is_refused(busy, targets):
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        with pytest.raises(pt.PtraceError) as ei:
            pt.Tracer(t.pid).attach()
        assert ei.value.errno == 1      # EPERM
    assert t.ask("x").startswith("ok x ")


def test_signal_arriving_while_stopped_is_not_swallowed(tmp_path, targets, pie):
    src = tmp_path / "sig.c"
    src.write_text(r'''
#include <signal.h>
#include <stdio.h>
#include <string.h>
volatile sig_atomic_t got;
static void on_usr1(int s) { (void)s; got++; }
int main(void) {
    char line[64];
    signal(SIGUSR1, on_usr1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) printf("got %d\n", (int)got);
    return 0;
}''')
    exe = build_c([src], tmp_path / "sig", pie=pie)
    t = targets.start([exe])
    with attached(t.pid) as (tr, mem):
        os.kill(t.pid, 10)         # SIGUSR1 while every thread is stopped
        time.sleep(0.05)
        r = remote.Remote(tr, mem)
        assert r.call_libc("getpid") == t.pid
    assert t.ask() == "got 1"


def lock_held(t, exe):
    """(a `ready` for attached(): the holder thread owns the mutex (its
    __owner is set), the address of take())."""
    from polusgen.elf import ElfFile
    e = ElfFile(exe)
    base = procmem.load_base(procmem.read_maps(t.pid), str(exe), e.first_load_vaddr)
    owner = base + e.find("m").value + 8
    return (lambda tr, mem: mem.read(owner, 4) != b"\0\0\0\0"), base + e.find("take").value


def test_call_blocked_on_a_lock_of_a_stopped_thread_lets_it_run(tmp_path, targets):
    exe = build_c([PROGS / "locked.c"], tmp_path / "locked", pie=True)
    t = targets.start([exe])
    held, take = lock_held(t, exe)
    with attached(t.pid, held) as (tr, mem):
        r = remote.Remote(tr, mem)
        assert r.call(take, tid=t.pid, timeout=0.05, retries=20) > 1000000
    assert t.ask().startswith("held=") and t.alive()


def test_call_that_cannot_return_is_taken_back(tmp_path, targets):
    exe = build_c([PROGS / "locked.c"], tmp_path / "locked", pie=False)
    t = targets.start([exe])
    held, take = lock_held(t, exe)
    with attached(t.pid, held) as (tr, mem):
        regs = remote.resumed_regs(tr.threads[t.pid].regs)
        r = remote.Remote(tr, mem)
        with pytest.raises(remote.RemoteTimeout):
            r.call(take, tid=t.pid, timeout=0.05, let_others_run=False)
        assert pt.getregs(t.pid) == regs
    a = int(t.ask().split("=")[1])
    eventually(lambda: int(t.ask().split("=")[1]), lambda n: n > a)
    assert t.alive()


def test_remote_calls_leave_errno_as_it_was(busy, targets):
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        r = remote.Remote(tr, mem)
        where = r._errno_of(t.pid)
        assert where
        mem.write(where, (1234).to_bytes(4, "little"))
        # close(-1) fails with EBADF inside the call; the thread's errno stays 1234
        assert r.call_libc("close", 0xFFFFFFFF, tid=t.pid) & 0xFFFFFFFF == 0xFFFFFFFF
        assert int.from_bytes(mem.read(where, 4), "little") == 1234
        mem.write(where, (0).to_bytes(4, "little"))
    assert t.ask("e").startswith("ok e ")


def test_a_crashing_callee_is_taken_back_and_the_target_lives(busy, targets):
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        # the calling thread (main) as it goes on: stopped in a system call, it restarts it
        regs = {tid: remote.resumed_regs(st.regs) if tid == t.pid else st.regs.copy()
                for tid, st in tr.threads.items()}
        r = remote.Remote(tr, mem)
        with pytest.raises(remote.RemoteCallError, match=r"crashed with SIGSEGV at 0x[0-9a-f]+ \(libc"):
            r.call_libc("strlen", 0)             # reads address 0: SEGV_MAPERR, not write-through
        assert {tid: pt.getregs(tid) for tid in tr.threads} == regs
    assert t.ask("alive").startswith("ok alive ") and t.alive()


def test_process_whose_main_thread_has_exited(tmp_path, targets):
    exe = build_c([PROGS / "leaderless.c"], tmp_path / "leaderless", pie=True)
    t = targets.start([exe])
    eventually(lambda: pt.dying(t.pid), bool)          # "ready" comes from a worker
    with attached(t.pid) as (tr, mem):
        assert t.pid not in tr.threads and len(tr.threads) == 2
        r = remote.Remote(tr, mem)
        assert r.call_libc("getpid") == t.pid
        assert procmem.load_base(procmem.read_maps(t.pid), str(exe)) is not None
    a = int(t.ask().split()[1])
    eventually(lambda: int(t.ask().split()[1]), lambda n: n > a)


def test_trampoline_pages_of_successive_applies_share_one_mapping(busy, targets):
    """Each apply maps its trampoline page near the code; the next one goes
    right after it, where the kernel merges the two: a fork server copies
    and tears down every mapping at each fork."""
    t = targets.start([busy])
    with attached(t.pid) as (tr, mem):
        r = remote.Remote(tr, mem)
        near = procmem.load_base(procmem.read_maps(t.pid), str(busy)) or 0x400000
        first = r.mmap_near(near)
        second = remote.Remote(tr, mem).mmap_near(near)      # a later apply: a new Remote
        anon_code = [m for m in procmem.read_maps(t.pid) if not m.path and m.perms == "r-xp"]
        assert second == first + 4096
        # the landing page of remote calls comes first, in the same mapping
        assert [(m.start, m.end) for m in anon_code] == [(first - 4096, first + 8192)]
        assert abs(second - near) < 1 << 31
    assert t.ask("x").startswith("ok x ")


def test_calls_that_allocate_never_run_inside_malloc(tmp_path, targets):
    """A single-threaded target spends its time in malloc/free, which lock
    nothing then: remote malloc/free calls, made many times, must leave its
    heap intact (attaching lets the thread out of the allocator first)."""
    exe = build_c([PROGS / "mallocloop.c"], tmp_path / "mallocloop")
    t = targets.start([exe])
    from polusgen.inject.session import Session

    for _ in range(80):
        with Session(t.pid) as s:
            p = s.remote.call_libc("malloc", 4096)
            assert p
            s.remote.call_libc("free", p)
    time.sleep(0.05)
    assert t.ask("x").startswith("ok x ")
    assert t.alive()


def test_a_thread_run_out_of_malloc_through_a_signal_handler_gets_its_own_mask_back(tmp_path, targets):
    """Stopped inside a signal handler that interrupted free(), the only
    thread is run to the allocator's return address: through the handler's
    sigreturn, which gives it the program's mask back.  The injector must not
    then put back the mask it saw at the stop (the handler's: every signal
    blocked), or the program runs on with its signals blocked for good (seen:
    the ftpish listener's next write-through fault was forced through and
    killed it)."""
    from polusgen.inject.session import Session

    exe = build_c([PROGS / "mallocloop.c"], tmp_path / "mallocloop")
    t = targets.start([exe, "handler"])
    alrm = 1 << (signal.SIGALRM - 1)
    task = f"/proc/{t.pid}/task/{t.pid}/status"
    for _ in range(60):
        with Session(t.pid):
            pass
        # in main the thread blocks nothing: SIGALRM is let in again soon
        eventually(lambda: sig_bits(task, "SigBlk") & alrm, lambda b: b == 0, timeout=2.0, pause=0.0002)
    ticks = int(t.ask("x").split()[3])
    eventually(lambda: int(t.ask("y").split()[3]), lambda n: n > ticks)
    assert t.alive()


def test_a_thread_run_out_of_free_through_a_fault_handler_keeps_sigsegv_unblocked(tmp_path, targets):
    """The thread is stopped inside free() within a handler that unblocked
    SIGSEGV itself (the runtime's before its sync code), and the free
    faults: a fault handler runs in between.  The injector must never run
    the thread's own code with a signal mask it changed (the fault's frame
    saves that mask and gives it back later, where no guess can tell it
    from the thread's own): once the injector put back the mask it had seen
    inside the fault handler, SIGSEGV stayed blocked in the runtime's sync
    code, and its next write-through fault killed the ftpish listener (1 in
    about 150 chain updates under load).  An attach that cannot get the
    thread out of the allocator gives up, changing nothing."""
    from polusgen.inject.remote import RemoteCallError
    from polusgen.inject.session import Session

    exe = build_c([PROGS / "syncfault.c"], tmp_path / "syncfault")
    t = targets.start([exe])
    for _ in range(25):
        try:
            with Session(t.pid):
                pass
        except RemoteCallError as e:
            assert "malloc/free" in str(e), e
        assert t.alive()
    ticks = int(t.ask("x").split()[2])
    r = eventually(lambda: t.ask("y").split(), lambda r: int(r[2]) > ticks)
    assert r[3] == "0", f"SIGSEGV was found blocked {r[3]} time(s) after free() returned"


def test_a_borrowed_thread_gets_its_whole_vector_state_back(tmp_path, targets):
    """The signal frame a remote call returns through carries the thread's
    whole XSAVE state: built from ptrace's image as it was, it lacked the
    signal frame's magic words, and sigreturn put back only the x87/SSE
    part (one call lost zmm17 of a thread on this AVX-512 machine)."""
    from polusgen.inject.session import Session

    exe = build_c([PROGS / "vectors.c"], tmp_path / "vectors")
    t = targets.start([exe], ready=None)
    first = t.readline()
    if not first.startswith("ready"):
        pytest.skip(f"this CPU has no AVX2 ({first})")
    for _ in range(5):
        with Session(t.pid) as s:
            assert s.remote.call_libc("getpid") == t.pid
        assert t.alive(), f"the thread's vector registers changed (exit {t.proc.poll()}: 7 ymm1, 8 zmm17)"
    time.sleep(0.05)
    assert t.alive(), f"the thread's vector registers changed (exit {t.proc.poll()}: 7 ymm1, 8 zmm17)"


def sig_bits(status: str, field: str) -> int:
    """A signal mask line (SigBlk, SigCgt, ...) of a /proc status file: bit n-1 is signal n."""
    for line in Path(status).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1], 16)
    raise AssertionError(f"no {field} in {status}")


def test_a_call_on_a_thread_that_blocks_sigsegv_keeps_the_programs_handler(tmp_path, targets):
    """A remote call returns by faulting at address 0.  Taken in a thread that
    blocks SIGSEGV, that fault is forced through by the kernel, which resets
    the process's SIGSEGV handler to SIG_DFL (and unblocks it in the thread):
    the program would die at its next fault.  The injector unblocks SIGSEGV
    and SIGTRAP for its call and puts the thread's mask back afterwards."""
    from polusgen.inject.session import Session

    exe = build_c([PROGS / "segvblocked.c"], tmp_path / "segvblocked")
    t = targets.start([exe], ready=None)
    first = t.readline().split()       # "ready <tid of the blocking thread>"
    assert first[0] == "ready", first
    tid = int(first[1])
    proc, task = f"/proc/{t.pid}/status", f"/proc/{t.pid}/task/{tid}/status"
    segv, sync = 1 << (signal.SIGSEGV - 1), (1 << (signal.SIGSEGV - 1)) | (1 << (signal.SIGTRAP - 1))
    for _ in range(500):            # the thread gets to its read(2)
        if "\nState:\tS" in Path(task).read_text():
            break
        time.sleep(0.002)
    assert sig_bits(proc, "SigCgt") & segv
    assert sig_bits(task, "SigBlk") & sync == sync
    with Session(t.pid) as s:
        assert tid in s.tracer.threads
        for _ in range(3):
            assert s.remote.call_libc("getpid", tid=tid) == t.pid
    assert sig_bits(proc, "SigCgt") & segv, "the program's SIGSEGV handler was reset to SIG_DFL"
    assert sig_bits(task, "SigBlk") & sync == sync, "the thread's signal mask was not put back"
    assert t.ask("x") == "ok x caught=0"
    assert t.ask("segv") == "ok segv caught=1"     # its handler still runs: the process lives
    assert t.alive()



DYING_CALLER = r"""
import struct, sys
from polusgen.inject import procmem, remote
from polusgen.inject import ptrace as pt
pid, which = int(sys.argv[1]), sys.argv[2]
tr = pt.Tracer(pid)
tr.attach()
r = remote.Remote(tr, procmem.Memory(pid))
# main is blocked in read(2); a spinning worker was stopped in the middle of its loop
tid = pid if which == "main" else next(t for t, st in tr.threads.items() if t != pid and st.regs.orig_rax >= 1 << 63)
where = r._errno_of(tid)
r.mem.write(where, (1234).to_bytes(4, "little"))
print(tid, where, flush=True)
# sigtimedwait(empty set, NULL, 1 s) fails with EAGAIN when its time is up
r.call_libc("sigtimedwait", bytes(128), 0, struct.pack("<qq", 1, 0), tid=tid, timeout=60)
"""


@pytest.mark.parametrize("which", ["main", "worker"])
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_thread_borrowed_for_a_call_gets_back_when_the_injector_dies(busy, targets, which, how):
    """Killed in the middle of a remote call, the injector leaves the thread
    to the frame it built: the callee returns to the landing stub, which
    puts errno back and rt_sigreturns to exactly where the thread was -- a
    thread blocked in read(2) reads on, a spinning one spins on."""
    import subprocess
    import sys

    t = targets.start([busy])
    before = counts(t.ask("a"))
    injector = subprocess.Popen([sys.executable, "-c", DYING_CALLER, str(t.pid), which],
                                stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        tid, where = map(int, injector.stdout.readline().split())
        # the borrowed thread is inside the call: blocked in rt_sigtimedwait (128)
        eventually(lambda: Path(f"/proc/{t.pid}/task/{tid}/syscall").read_text().split()[0], lambda s: s == "128")
        injector.send_signal(how)
        assert injector.wait(10) != 0
    finally:
        injector.kill()
        injector.wait()
    # the callee's second is up: it returns into the landing stub, and the thread goes on
    eventually(lambda: counts(t.ask("b")), lambda c: all(a > b for a, b in zip(c, before)))
    if which == "main":
        t.wait_reading_stdin()
    with open(f"/proc/{t.pid}/mem", "rb") as mem:      # EAGAIN inside the call, 1234 again after it
        mem.seek(where)
        assert int.from_bytes(mem.read(4), "little") == 1234
    assert t.ask("c").startswith("ok c ") and t.alive()
