"""The measured hazards of writing jumps into a live process: a thread
inside the bytes to overwrite, a return address inside them, a function
shorter than a jump, and jump selection by distance."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from polusgen.errors import InjectError
from polusgen.inject import jumps
from polusgen.inject.apply import apply_patch
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.patches import redirect_patch
from tests.support.process import eventually

PROGS = Path(__file__).parent / "progs"
pytestmark = [needs_gcc, needs_ptrace]


def loops(t) -> int:
    return int(t.ask().split()[0].split("=")[1])


def test_thread_running_in_the_first_bytes_is_stepped_out(tmp_path, targets, pie):
    exe = build_c([PROGS / "hazards.c"], tmp_path / "hazards", pie=pie)
    so = redirect_patch(tmp_path, exe, "loop-v1", {"entry_loop": "long entry_loop_v1(void) { for (;;) __builtin_ia32_pause(); }"})
    t = targets.start([exe])
    a = loops(t)
    eventually(lambda: loops(t), lambda n: n > a, what="the old loop running")
    res = apply_patch(t.pid, so, wait=0.1)
    assert [r.name for r in res.redirects] == ["entry_loop"]
    time.sleep(0.02)
    b = loops(t)
    time.sleep(0.05)
    assert loops(t) == b                       # the thread now runs the new loop (no SIGILL, no crash)
    assert t.alive()


@pytest.mark.parametrize("walker", ["libunwind", "scan"])
def test_a_thread_in_a_handler_is_never_returned_into_a_jump(tmp_path, targets, walker, monkeypatch):
    """The looper sits in a signal handler that interrupted it inside the
    loop's first bytes (most often right after its `pause`): the pc it
    returns to is in the kernel's signal frame, not in its registers.
    Looking at the PCs alone (no call can end in these bytes), a jump was
    written over it, and when the handler returned the thread ran the
    jump's bytes (measured: SIGSEGV at entry_loop+2).  The whole stack is
    looked at: the apply is refused while the handler runs."""
    from polusgen.inject import stacks
    from tests.support.stacks import function_range, samples_of

    if stacks.libunwind() is None:
        pytest.skip("libunwind-ptrace is not installed (to see where the handler returns)")
    exe = build_c([PROGS / "hazards.c"], tmp_path / "hazards", pie=True)
    so = redirect_patch(tmp_path, exe, "loop-v1", {"entry_loop": "long entry_loop_v1(void) { for (;;) __builtin_ia32_pause(); }"})

    def interrupted_inside(t) -> bool:
        lo, _ = function_range(t.pid, exe, "entry_loop")
        return any(lo < a < lo + 5 for s in samples_of(t.pid, True).values() for a in s[1:])

    for _ in range(10):
        t = targets.start([exe, "handler"])
        if interrupted_inside(t):
            break
        t.stop()
    else:
        pytest.skip("the signal never interrupted the loop inside its first bytes")
    monkeypatch.setattr(stacks, "PREFER_LIBUNWIND", walker == "libunwind")
    with pytest.raises(InjectError, match="return address inside the first bytes of entry_loop"):
        apply_patch(t.pid, so, wait=0.1)
    t.ask("release")
    eventually(lambda: t.ask(), lambda line: line.endswith("handler=0"), what="the handler returned")
    a = loops(t)
    eventually(lambda: loops(t), lambda n: n > a, what="the old loop running on")
    assert t.alive()


def test_return_address_inside_the_jump_is_refused(tmp_path, targets):
    exe = build_c([PROGS / "hazards.c"], tmp_path / "hazards", pie=True)
    so = redirect_patch(tmp_path, exe, "first-v1", {"calls_first": "long calls_first_v1(long (*f)(void)) { return f() + 1; }"})
    t = targets.start([exe, "noloop"])
    with pytest.raises(InjectError, match="return address inside the first bytes of calls_first"):
        apply_patch(t.pid, so, wait=0.1)
    assert t.ask().startswith("loops=") and t.alive()


def test_function_shorter_than_a_jump_is_refused(tmp_path, targets):
    exe = build_c([PROGS / "hazards.c"], tmp_path / "hazards", pie=False)
    so = redirect_patch(tmp_path, exe, "tiny-v1", {"tiny": "void tiny_v1(void) { }"})
    t = targets.start([exe])
    with pytest.raises(InjectError, match="tiny is only 1 bytes long, shorter than a 5-byte jump"):
        apply_patch(t.pid, so, wait=0.1)
    a = loops(t)
    eventually(lambda: loops(t), lambda n: n > a)


class _NoPages:
    def slot(self, near, target):
        return None


class _Page:
    def __init__(self):
        self.given = []

    def slot(self, near, target):
        self.given.append(near + 0x1000)
        return near + 0x1000


def test_jump_choice_by_distance():
    near = jumps.plan(jumps.Redirect("f", "f_v1", 0x400000, 32, 0x400000 + 0x7FFF0000), _NoPages())
    assert near.kind == "rel32" and near.code[0] == 0xE9 and len(near.code) == 5
    assert int.from_bytes(near.code[1:], "little", signed=True) == 0x7FFF0000 - 5
    back = jumps.plan(jumps.Redirect("f", "f_v1", 0x80000000, 32, 0x10), _NoPages())
    assert back.kind == "rel32" and int.from_bytes(back.code[1:], "little", signed=True) == 0x10 - 0x80000005
    pg = _Page()
    far = jumps.plan(jumps.Redirect("f", "f_v1", 0x555555554000, 8, 0x7F0000000000), pg)
    assert far.kind == "trampoline" and far.via == 0x555555555000 and len(far.code) == 5
    absj = jumps.plan(jumps.Redirect("f", "f_v1", 0x555555554000, 14, 0x7F0000000000), _NoPages())
    assert absj.kind == "abs64" and absj.code == b"\xff\x25\0\0\0\0" + (0x7F0000000000).to_bytes(8, "little")
    with pytest.raises(InjectError, match="no trampoline"):
        jumps.plan(jumps.Redirect("f", "f_v1", 0x555555554000, 13, 0x7F0000000000), _NoPages())
    with pytest.raises(InjectError, match="shorter than a 5-byte jump"):
        jumps.plan(jumps.Redirect("f", "f_v1", 0x400000, 4, 0x400100), _NoPages())


def test_overlap_rules():
    ranges = [(0x1000, 0x1005, "f")]
    assert jumps.overlaps([0x1000], ranges) == []                        # at the entry: takes the jump
    assert jumps.overlaps([0x1002], ranges) == [("pc", "f")]
    assert jumps.overlaps([0x2000, 0x1003], ranges) == [("return address", "f")]
    assert jumps.overlaps([0x2000, 0x1005], ranges) == []               # right after: untouched bytes


@pytest.mark.parametrize("walker", ["libunwind", "scan"])
def test_update_pending_while_threads_stay_in_the_old_function(tmp_path, targets, walker, monkeypatch):
    from polusgen.inject import stacks
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    if walker == "libunwind" and stacks.libunwind() is None:
        pytest.skip("libunwind-ptrace is not installed")
    monkeypatch.setattr(stacks, "PREFER_LIBUNWIND", walker == "libunwind")

    exe = build_c([PROGS / "deep.c"], tmp_path / "deep", pie=True)
    so = redirect_patch(tmp_path, exe, "deep-v1", {"deep3": "long deep3_v1(long x) { return x; }"})
    t = targets.start([exe])
    res = apply_patch(t.pid, so, wait=0.2)
    assert not res.terminated and res.state == "active"
    assert [a["name"] for a in res.active] == ["deep3"] and len(res.active[0]["threads"]) == 2
    assert "update in progress" in res.describe() and "deep3 still active in thread(s)" in res.describe()
    st = process_status(t.pid)
    assert "old function deep3 still active" in st.describe()
    assert t.ask().startswith("ok ")
    rb = rollback_patch(t.pid, wait=0.2)
    assert rb.terminated                 # deep3_v1 never ran: nothing new to wait for
    assert process_status(t.pid).version == 0 and t.alive()


def test_apply_and_roll_back_when_the_main_thread_has_exited(tmp_path, targets):
    from polusgen.inject.rollback import rollback_patch

    exe = build_c([PROGS / "leaderless.c"], tmp_path / "leaderless", pie=True)
    so = redirect_patch(tmp_path, exe, "tick-v1", {"tick": "void tick_v1(void) { }"})
    t = targets.start([exe])

    def count():
        return int(t.ask().split()[1])

    apply_patch(t.pid, so, wait=0.1)
    a = count()
    time.sleep(0.05)
    assert count() - a <= 1             # tick_v1 counts nothing (one old tick may be in flight)
    rollback_patch(t.pid, wait=0.1)
    a = count()
    eventually(count, lambda n: n > a)


def test_absolute_jump_when_no_trampoline_page_can_be_had(tmp_path, targets, monkeypatch):
    from tests.support.cases import FIG2
    from polusgen.inject.rollback import rollback_patch

    exe = build_c(FIG2.sources(0), tmp_path / "fig2", pie=True)
    so = redirect_patch(tmp_path, exe, "report-v9",
                        {"report": 'void report_v1(void) { printf("v9 i=0 calls=0\\n"); fflush(stdout); }'},
                        prelude="#include <stdio.h>")
    monkeypatch.setattr(jumps.Trampolines, "slot", lambda self, near, target: None)
    t = targets.start([exe])
    res = apply_patch(t.pid, so, wait=0.1)
    assert [(r.name, r.kind, r.length) for r in res.redirects] == [("report", "abs64", 14)]
    assert t.ask().startswith("v9 ")
    rollback_patch(t.pid, wait=0.1)
    assert t.ask().startswith("v0 ")
