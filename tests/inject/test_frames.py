"""The frames the injector builds to borrow a thread for a remote call and to
park it during a switch (remote.py, frames.py): never on the thread's own
stack, which may be a nearly full alternate signal stack; and a signal on
its way into a thread the injector holds survives the injector's death."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from polusgen.inject import procmem, remote, stacks
from polusgen.inject import ptrace as pt
from polusgen.inject.apply import apply_patch
from tests.support.build import build_c, build_so, needs_gcc, needs_ptrace
from tests.support.patches import redirect_patch
from tests.support.process import eventually, polusgen
from tests.support.stacks import function_range, samples_of

PROGS = Path(__file__).parent / "progs"
pytestmark = [needs_gcc, needs_ptrace]
VERSION_V1 = {"version": "long version_v1(void) { return 1; }"}


def report(t, line: str = "") -> dict[str, int]:
    return {k: int(v) for k, v in (f.split("=") for f in t.ask(line, timeout=20).split())}


@pytest.fixture
def altstack(tmp_path, targets):
    """The program whose thread sits in a handler on an 8 KiB altstack with
    2 KiB of it left (a parked frame takes 3 KiB with AVX-512 state)."""
    exe = build_c([PROGS / "altstack.c"], tmp_path / "altstack")
    t = targets.start([exe])
    r = report(t)
    assert r["sentinel"] == 0 and r["altstack"] == 0
    eventually(lambda: report(t)["spins"], lambda n: n > r["spins"], what="the handler spinning")
    return exe, t


def still_right(t) -> dict[str, int]:
    """Nothing below the altstack overwritten, the altstack still registered
    as it was, and the handler spinning on."""
    r = report(t)
    assert r["sentinel"] == 0, f"{r['sentinel']} bytes below the altstack overwritten"
    eventually(lambda: report(t), lambda x: x["spins"] > r["spins"], what="the handler spinning on")
    assert report(t)["altstack"] == 0, "the thread's altstack is not what it registered"
    assert t.alive()
    return r


def test_a_thread_in_a_handler_on_a_small_altstack_is_parked_off_it(tmp_path, altstack):
    """Before frames had their own area, the parked frame went below the
    handler's stack pointer: 776 bytes of the sentinel overwritten."""
    exe, t = altstack
    so = redirect_patch(tmp_path, exe, "version-v1", VERSION_V1)
    apply_patch(t.pid, so, wait=0.1)
    assert still_right(t)["version"] == 1


def test_a_thread_in_a_handler_on_a_small_altstack_is_borrowed_off_it(tmp_path, altstack):
    """Its frame and the callee's stack (dlopen's kilobytes) on its slot; a
    fault in the callee handled there, not at the top of the altstack the
    thread is using."""
    exe, t = altstack
    sitter = report(t)["sitter"]
    src = tmp_path / "libfresh.c"
    src.write_text("int fresh_value = 41;\n")
    lib = build_so(src, tmp_path / "libfresh.so")
    tr = pt.Tracer(t.pid)
    tr.attach()
    mem = procmem.Memory(t.pid)
    try:
        r = remote.Remote(tr, mem)
        assert r.call_libc("getpid", tid=sitter) == t.pid
        h = r.call(r.libc_fn("dlopen"), str(lib), remote.RTLD_NOW, tid=sitter)
        assert h
        assert r.call(r.libc_fn("dlsym"), h, "fresh_value", tid=sitter)
    finally:
        tr.detach_all()
        mem.close()
    still_right(t)


def test_samples_go_on_past_a_frame_of_ours(tmp_path, targets):
    """A thread inside a call of ours (an injector died meanwhile) runs on
    its slot: its sample still shows its own functions."""
    exe = build_c([PROGS / "deep.c"], tmp_path / "deep")
    t = targets.start([exe])
    lo, hi = function_range(t.pid, exe, "deep3")
    tr = pt.Tracer(t.pid)
    tr.attach()
    mem = procmem.Memory(t.pid)
    try:
        r = remote.Remote(tr, mem)
        pause = r.libc_fn("pause")
        land = r.landing()
        r.areas()
        tid = next(x for x, s in stacks.sample_threads(tr, mem).items() if any(lo <= a - 1 < hi for a in s[1:]))
        st = tr.threads[tid]
        saved = st.regs.copy()
        slot = r._slot(tid, saved, land)
        assert slot is not None
        at = r._frame_below(slot.top, saved, pt.getsigmask(tid), pt.getxstate(tid), land, slot=slot, callee=pause)
        pt.setregs(tid, r._entry_regs(saved, r._entry(pause, land), at))
        tr.resume_all()
        eventually(lambda: Path(f"/proc/{t.pid}/task/{tid}/syscall").read_text().split()[0],
                   lambda nr: nr == "34", what="the thread in pause(2) on its slot")
        tr.stop_all()
        assert slot.top - 64 * 1024 < tr.threads[tid].regs.rsp < slot.top
        for walker in (True, False):
            s = stacks.sample_threads(tr, mem, use_libunwind=walker)[tid]
            assert any(lo <= a - 1 < hi for a in s[1:]), (walker, [hex(a) for a in s])
        # back as it was: through the frame, as an injector that died would leave it
        r._return_through_frame(tid, st, land, land + remote.LANDING_RETURN, at)
    finally:
        tr.detach_all()
        mem.close()
    assert t.ask().startswith("ok ")


@pytest.mark.parametrize("use_libunwind", [True, False], ids=["libunwind", "scan"])
def test_samples_go_on_past_a_handlers_frame(tmp_path, targets, use_libunwind):
    """A thread in a handler on its altstack: its sample goes on, past the
    kernel's signal frame, on the stack the handler interrupted."""
    if use_libunwind and stacks.libunwind() is None:
        pytest.skip("libunwind-ptrace is not installed")
    exe = build_c([PROGS / "altstack.c"], tmp_path / "altstack")
    t = targets.start([exe])
    sitter = report(t)["sitter"]
    lo, hi = function_range(t.pid, exe, "sitter")
    s = samples_of(t.pid, use_libunwind)[sitter]
    assert any(lo <= a - 1 < hi for a in s[1:]), [hex(a) for a in s]
    still_right(t)


@pytest.mark.e2e
@pytest.mark.parametrize("point", ["commit", "parking", "in-commit"])
def test_a_signal_on_its_way_in_survives_the_injectors_death(tmp_path, targets, point):
    """A thread flooded with queued signals is stopped (commit: every thread
    stopped) or parked while one is on its way in (a signal-delivery-stop;
    the kernel forgets it when its tracer dies).  Before, a kill lost one
    (sent = handled + 1) in 9 of 10 runs in-commit and 4 of 4 at commit."""
    exe = build_c([PROGS / "sigflood.c"], tmp_path / "sigflood")
    so = redirect_patch(tmp_path, exe, "version-v1", VERSION_V1)
    for _ in range(3):
        t = targets.start([exe])
        eventually(lambda: report(t)["handled"], lambda n: n > 100, what="signals flowing")
        r = polusgen("apply", t.pid, so, "--wait", "0", env={**os.environ, "POLUS_KILL_AT": point}, check=False)
        assert r.returncode == -signal.SIGKILL, r.stderr
        after = report(t, "pause")
        assert after["sent"] == after["handled"], f"a signal was lost: {after}"
        assert t.alive()
        t.stop()


def test_the_landing_code_reads_the_frame_where_the_injector_writes_it():
    """The landing stub and the prologue are machine code with the frame's
    offsets in it: they must be abi.SigFrame's."""
    import struct
    from polusgen.inject import abi
    uc = abi.SigFrame.uc.offset
    reserved1 = uc + abi.UContext.uc_mcontext.offset + abi.SigContext.reserved1.offset
    code = remote.LANDING_CODE
    # the stub runs with rsp = &uc: reserved1[0..2] are &errno, errno, the busy count
    assert [struct.unpack_from("<i", code, at)[0] for at in (0x07, 0x13, 0x1D)] == \
        [reserved1 - uc + 8 * k for k in range(3)]
    assert code[remote.LANDING_RETURN - 2:remote.LANDING_RETURN] == b"\x0f\x05"       # its rt_sigreturn
    # the prologue runs with rsp = the frame, less 4 pushes: uc_stack, then the callee (reserved1[3])
    assert code[0x3F] == 32 + uc + abi.UContext.uc_stack.offset
    assert struct.unpack_from("<i", code, 0x50)[0] == reserved1 + 24
    disabled = abi.StackT.from_buffer_copy(code[0x58:0x58 + 24])
    assert (disabled.ss_sp, disabled.ss_flags, disabled.ss_size) == (0, 2, 0)          # SS_DISABLE
