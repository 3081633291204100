"""Never-left activations moved to the new code while they run (issue 13,
stage 3): the one-file Fig. 2 program built gcc -O2 -g, whose workers run
bar -> foo inlined into their loop and whose main inlines report.  After the
apply, main prints the new report and the workers run the new foo, without
losing an increment, on the unmodified binary; after a rollback, the old
ones again."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from polusgen.demo import parse_report
from polusgen.elf import read_manifest
from polusgen.inject import transfer
from polusgen.inject.session import Session
from tests.support.build import REPO, build_c, needs_gcc, needs_ptrace
from tests.support.process import eventually

HERE = Path(__file__).parent / "fig2_single"
pytestmark = [pytest.mark.e2e, needs_gcc, needs_ptrace]


def polusgen(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


@contextlib.contextmanager
def fig2_running(exe: Path):
    """The Fig. 2 program running, its workers counting: yields (process,
    report) where report() asks main for a report line and parses it."""
    p = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"

        def report() -> dict:
            p.stdin.write("\n")
            p.stdin.flush()
            return parse_report(p.stdout.readline())

        eventually(report, lambda d: d["calls"] > 0, what="the workers count")
        yield p, report
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize("pie", [True, False], ids=["pie", "no-pie"])
def test_loops_move_to_the_new_code(tmp_path, pie):
    exe = build_c([HERE / "v0.c"], tmp_path / "v0", pie=pie, extra=["-g"])
    patch = tmp_path / "p.polus.c"
    r = polusgen("diff", HERE / "v0.c", HERE / "v1.c", "--binary", exe, "-o", patch,
                 "--version-file", tmp_path / "vf.json")
    assert r.returncode == 0, r.stderr
    r = polusgen("build", patch, "-o", tmp_path / "p.so")
    assert r.returncode == 0, r.stderr
    with fig2_running(exe) as (p, report):
        r = polusgen("apply", p.pid, tmp_path / "p.so")
        assert r.returncode == 0, r.stderr
        armed = [l for l in r.stdout.splitlines() if "armed to move to the new code when its call returns:" in l]
        assert sum("worker" in l for l in armed) == 4 and sum("main in thread" in l for l in armed) == 1, r.stdout
        assert "update terminated" in r.stdout, r.stdout
        first = report()
        assert first["version"] == "v1", first          # main runs the new report
        # the workers run the new foo (j counts), and no increment of i is lost
        later = eventually(report, lambda d: d["j"] > first["j"] + 100, what="the new foo in the workers")
        assert later["i"] == later["calls"], later
        r = polusgen("status", p.pid)
        assert r.returncode == 0 and "never-left activations moved to its new code: thread(s) " \
            f"{p.pid}, " in r.stdout, r.stdout
        # rollback: every moved activation is armed to move back (to the old body compiled into the patch)
        r = polusgen("rollback", p.pid)
        assert r.returncode == 0 and "rolled-back" in r.stdout, r.stdout + r.stderr
        back = [l for l in r.stdout.splitlines() if "armed to move back to the old code when its call returns:" in l]
        assert sum("worker" in l for l in back) == 4 and sum("main (polus_resume_main_" in l for l in back) == 1, \
            r.stdout
        old = report()
        assert old["version"] == "v0" and "j" not in old, old          # main runs the old report again
        # the workers run the old foo on the old data: every increment since the start is in ab.a.i
        after = eventually(report, lambda d: d["calls"] > old["calls"] + 100, what="the old foo in the workers")
        assert after["version"] == "v0" and after["i"] == after["calls"], after
        with Session.brief(p.pid) as s:
            s.tracer.stop_all()
            assert transfer.moved_activations(s, read_manifest(tmp_path / "p.so").name) == []
        assert "runs version 0" in polusgen("status", p.pid).stdout
        assert p.poll() is None


@contextlib.contextmanager
def kvserver_v1_with_patch(tmp_path):
    """kvserver v1 built -g and running (2 workers), the v1 -> v2 patch built
    beside it: yields (process, patch library, cmd) where cmd sends one
    request on a fresh connection and returns the reply line."""
    kv = REPO / "corpus" / "kvserver"
    exe = build_c(sorted((kv / "v1").glob("*.c")), tmp_path / "kv1", extra=["-g", "-pthread"])
    patch = tmp_path / "p.polus.c"
    r = polusgen("diff", kv / "v1", kv / "v2", "--binary", exe, "-o", patch, "--version-file", tmp_path / "vf.json")
    assert r.returncode == 0, r.stderr
    assert polusgen("build", patch, "-o", tmp_path / "p.so").returncode == 0
    p = subprocess.Popen([str(exe), "0", "2"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(p.stdout.readline().split()[1])

        def cmd(line: str) -> str:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s, s.makefile("rw") as f:
                f.write(line + "\n")
                f.flush()
                return f.readline().strip()

        yield p, tmp_path / "p.so", cmd
    finally:
        p.kill()
        p.wait()


def test_an_accept_loop_moves(tmp_path):
    """kvserver v1 -> v2 counts connections in queue_push, which gcc inlined into
    main's accept loop (`int fd = accept(...)`): built -g, main moves at its
    next accept and the new count runs there."""
    with kvserver_v1_with_patch(tmp_path) as (p, so, cmd):
        assert cmd("VERSION") == "kvserver 1"
        r = polusgen("apply", p.pid, so)
        assert r.returncode == 0, r.stderr
        assert any("armed to move to the new code when its call returns: main in thread" in l and "(after accept)" in l
                   for l in r.stdout.splitlines()), r.stdout
        assert cmd("VERSION") == "kvserver 2"
        counted = [int(cmd("STATS").rsplit("connections=", 1)[1]) for _ in range(3)]
        assert counted[0] >= 1 and counted[1] == counted[0] + 1 and counted[2] == counted[1] + 1, counted
        assert p.poll() is None


def test_a_rollback_before_the_move_puts_the_return_address_back(tmp_path):
    """apply arms main's accept loop (its return address points at a landing)
    but no connection comes, so nothing has moved yet; a rollback then puts
    the old return address back, and the next accept returns to the old
    main: no activation ever enters the rolled-back patch's code."""
    with kvserver_v1_with_patch(tmp_path) as (p, so, cmd):
        assert cmd("VERSION") == "kvserver 1"
        r = polusgen("apply", p.pid, so)
        assert r.returncode == 0 and "(after accept)" in r.stdout, r.stdout + r.stderr
        r = polusgen("rollback", p.pid)            # no connection in between: main still waits in accept
        assert r.returncode == 0, r.stdout + r.stderr
        assert [cmd("VERSION") for _ in range(3)] == ["kvserver 1"] * 3
        assert "connections=" not in cmd("STATS")
        with Session.brief(p.pid) as s:
            s.tracer.stop_all()
            assert transfer.moved_activations(s, read_manifest(so).name) == []
        assert p.poll() is None


def test_a_rollback_is_refused_when_the_patch_has_no_debug_information(tmp_path):
    """Where a resume entry keeps its variables is known only from the patch's
    own debug information: a patch stripped of it, whose loop moved, is not
    rolled back (its activation could not leave the new code) and says why."""
    with kvserver_v1_with_patch(tmp_path) as (p, so, cmd):
        stripped = tmp_path / "stripped.so"
        subprocess.run(["strip", "--strip-debug", "-o", str(stripped), str(so)], check=True)
        r = polusgen("apply", p.pid, stripped)
        assert r.returncode == 0 and "(after accept)" in r.stdout, r.stdout + r.stderr
        assert cmd("VERSION") == "kvserver 2"            # main moved at this accept
        r = polusgen("rollback", p.pid)
        assert r.returncode == 1 and "none of its calls can move them back" in r.stderr \
            and "built with -g" in r.stderr, r.stdout + r.stderr
        assert cmd("VERSION") == "kvserver 2"
        assert "connections=" in cmd("STATS")
        assert p.poll() is None


def test_a_moved_accept_loop_moves_back_on_rollback(tmp_path):
    """main moved into v2's accept loop at an accept; a rollback arms it to
    move back, and at the next accept it returns into v1's loop compiled into
    the patch (with its own copy of v1's queue_push, which gcc inlined away):
    v2's connection count no longer runs, and the rollback finished."""
    with kvserver_v1_with_patch(tmp_path) as (p, so, cmd):
        r = polusgen("apply", p.pid, so)
        assert r.returncode == 0 and "(after accept)" in r.stdout, r.stdout + r.stderr
        assert cmd("VERSION") == "kvserver 2"
        assert "connections=" in cmd("STATS")             # main moved: v2's count runs in its loop
        r = polusgen("rollback", p.pid)
        assert r.returncode == 0 and "rolled-back" in r.stdout, r.stdout + r.stderr
        assert any("armed to move back to the old code when its call returns: main (polus_resume_main" in l
                   and "(after accept)" in l for l in r.stdout.splitlines()), r.stdout
        assert [cmd("VERSION") for _ in range(3)] == ["kvserver 1"] * 3
        assert "connections=" not in cmd("STATS")
        with Session.brief(p.pid) as s:
            s.tracer.stop_all()
            assert transfer.moved_activations(s, read_manifest(so).name) == []
        assert p.poll() is None


@pytest.mark.parametrize("pie", [True, False], ids=["pie", "no-pie"])
def test_loops_move_again_out_of_patch_code_and_back(tmp_path, pie):
    """v0 -> v1 -> v2 (v2's foo adds 2 to j, its worker sleeps 99 us): the loops move into v1's patch
    code, then out of it into v2's (their points are the calls of v1's resume
    entries, from v1's library's debug information); a rollback to v1 moves
    them back to v1's code (carried by v2's patch), and a rollback below v1
    or a new apply of v2 is refused.  No increment of i is lost anywhere."""
    exe = build_c([HERE / "v0.c"], tmp_path / "v0", pie=pie, extra=["-g"])
    v2 = tmp_path / "v2.c"
    v2.write_text((HERE / "v1.c").read_text().replace("a->j++;", "a->j += 2;").replace('"v1 i=', '"v2 i=')
                  .replace("usleep(100);", "usleep(99);"))      # worker changes too: it must move again
    vf = tmp_path / "vf.json"
    for old, new, n in ((HERE / "v0.c", HERE / "v1.c", 1), (HERE / "v1.c", v2, 2)):
        r = polusgen("diff", old, new, "--binary", exe, "-o", tmp_path / f"p{n}.polus.c", "--version-file", vf)
        assert r.returncode == 0, r.stderr
        r = polusgen("build", tmp_path / f"p{n}.polus.c", "-o", tmp_path / f"p{n}.so")
        assert r.returncode == 0, r.stderr
    with fig2_running(exe) as (p, report):
        assert polusgen("apply", p.pid, tmp_path / "p1.so").returncode == 0
        v1 = eventually(report, lambda d: d["version"] == "v1" and d["j"] > 100, what="v1's foo in the workers")
        r = polusgen("apply", p.pid, tmp_path / "p2.so")
        assert r.returncode == 0, r.stderr
        armed = [l for l in r.stdout.splitlines() if "armed to move to the new code when its call returns:" in l]
        assert sum("worker@v2.c (polus_resume_worker" in l for l in armed) == 4 and \
            sum("main (polus_resume_main" in l for l in armed) == 1, r.stdout
        first = report()
        assert first["version"] == "v2", first
        # v2's foo adds 2 to j in every worker: j grows twice as fast as i from now on
        later = eventually(report, lambda d: d["i"] > first["i"] + 200, what="v2's foo in the workers")
        assert later["j"] - first["j"] >= 2 * (later["i"] - first["i"]) - 8, (first, later)
        assert later["i"] == later["calls"] and later["j"] > v1["j"], later
        r = polusgen("rollback", p.pid)
        assert r.returncode == 0 and "rolled-back" in r.stdout, r.stdout + r.stderr
        back = report()
        assert back["version"] == "v1", back
        after = eventually(report, lambda d: d["i"] > back["i"] + 200, what="v1's foo in the workers again")
        assert after["j"] - back["j"] <= after["i"] - back["i"] + 8 and after["i"] == after["calls"], (back, after)
        # they run v1's code carried by v2's patch: moving them out of it again is not done, and said so
        r = polusgen("rollback", p.pid)
        assert r.returncode == 1 and "moved back there by that patch's rollback" in r.stderr, r.stdout + r.stderr
        r = polusgen("apply", p.pid, tmp_path / "p2.so")        # nor can they move to v2 again
        assert r.returncode == 1 and "moved back there by that patch's rollback" in r.stderr, r.stdout + r.stderr
        last = eventually(report, lambda d: d["i"] > after["i"] + 200, what="v1 after the refused rollback")
        assert last["version"] == "v1" and last["i"] == last["calls"], last
        assert p.poll() is None


def test_a_loop_whose_inlined_helper_calls_a_changed_signature_moves_and_back(tmp_path):
    """main's loop inlines step(), which calls serve(), whose signature the
    patch changes.  The rollback's old body and its private copy of step
    call the old serve with its old arguments (the patch compiles: a
    signature-changed import is spelled with its old type), and the loop
    moves to v1 and back to v0 with every line counted."""
    case = Path(__file__).parent / "sig_change"
    exe = build_c([case / "v0.c"], tmp_path / "v0", extra=["-g"])
    patch = tmp_path / "p.polus.c"
    r = polusgen("diff", case / "v0.c", case / "v1.c", "--binary", exe, "-o", patch)
    assert r.returncode == 0, r.stderr
    assert "polus_back_main_" in patch.read_text()          # main can move back
    r = polusgen("build", patch, "-o", tmp_path / "p.so")
    assert r.returncode == 0, r.stderr
    p = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"

        def line() -> tuple[str, int]:
            p.stdin.write("\n")
            p.stdin.flush()
            version, total = p.stdout.readline().split(" total=")
            return version, int(total)

        assert line() == ("v0", 1)
        r = polusgen("apply", p.pid, tmp_path / "p.so")
        assert r.returncode == 0 and "main in thread" in r.stdout, r.stdout + r.stderr
        assert line() == ("v1", 11)            # moved at fgets's return: v1's step adds 10
        r = polusgen("rollback", p.pid)
        assert r.returncode == 0 and "rolled-back" in r.stdout, r.stdout + r.stderr
        assert line() == ("v0", 12)            # back in the old body: the old serve, with its one argument
        assert "runs version 0" in polusgen("status", p.pid).stdout
    finally:
        p.kill()
        p.wait()


def test_a_pool_masters_moved_loop_moves_back_on_rollback(tmp_path):
    """poolhttp built -g: the master's loop (spawn inlined into it) moves to
    v1's resume entry at usleep's return, and the rollback moves it back
    from the same call: the entry's live listen_fd must be found in the
    patch's own debug information there (gcc described it as the entry
    value of a parameter, "optimized out", until the entry pinned it)."""
    pool = REPO / "corpus" / "poolhttp"
    exe = build_c(sorted((pool / "v0").glob("*.c")), tmp_path / "pool0", extra=["-g", "-pthread"])
    patch = tmp_path / "p.polus.c"
    r = polusgen("diff", pool / "v0", pool / "v1", "--binary", exe, "-o", patch)
    assert r.returncode == 0, r.stderr
    r = polusgen("build", patch, "-o", tmp_path / "p.so")
    assert r.returncode == 0, r.stderr
    p = subprocess.Popen([str(exe), "0", "2", "1000"], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("listening ")
        r = polusgen("apply", p.pid, "--tree", tmp_path / "p.so", "--wait", "1")
        assert r.returncode == 0, r.stdout + r.stderr
        eventually(lambda: polusgen("status", p.pid).stdout,
                   lambda out: f"never-left activations moved to its new code: thread(s) {p.pid}" in out,
                   what="the master's loop in v1's code")
        r = polusgen("rollback", p.pid, "--tree", "--wait", "3")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"{p.pid}: rolled-back: runs v0" in r.stdout and "blocked" not in r.stdout, r.stdout
        assert "runs version 0" in polusgen("status", p.pid).stdout
    finally:
        p.terminate()
        p.wait(timeout=30)
