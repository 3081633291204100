"""Nothing silently unsafe: patches that cannot carry the running program's
state are refused until user code covers it (polusgen.plan.safety).

Each of tests/cases/unsafe_{table,untyped,replaced,replaced_several,stack,startup} is really run: v0 is
started and given some state, `polusgen diff` names the finding and writes a
skeleton, `polusgen build` refuses, a library built without polusgen's check
(as the Makefile would) is refused by `polusgen apply` with the process left
exactly as it was (same behaviour, not one mapping added).  With the case's
user.c (the skeleton, filled in) the patch builds, applies, and the updated
program answers as v1 with the state v0 had.  `--force` applies an uncovered
patch with a loud warning, and the state is then lost as the finding said."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from polusgen.build import gcc_command
from polusgen.elf import read_manifest
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import CONSTRUCTOR, case
from tests.support.process import Target, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]

# case: (commands that give v0 its state, with v0's answers (None: no answer);
#        questions v0 answers the same every time; v1's answers, given that state)
SCRIPTS = {
    "unsafe_table": ([("put a 1", None), ("put b 2", None), ("put c 3", None), ("put b 5", None)],
                     [("get b", "v0 b=5"), ("get c", "v0 c=3")],
                     [("get b", "v1 b=5 reads=1"), ("get b", "v1 b=5 reads=2"), ("get a", "v1 a=1 reads=1"),
                      ("put d 4", None), ("get d", "v1 d=4 reads=1"), ("get zz", "v1 zz missing")]),
    "unsafe_untyped": ([("open 1", None), ("open 2", None), ("data 1 5", "v0 conn 1 +5"),
                        ("data 1 7", "v0 conn 1 +7")],
                       [("show 1", "v0 conn 1 bytes=12")],
                       [("data 1 3", "v1 conn 1 +3"), ("show 1", "v1 conn 1 bytes=15 packets=1 last=3 bytes"),
                        ("show 2", "v1 conn 2 bytes=0 packets=0 last=")]),
    "unsafe_replaced": ([("say hi", "v0 hi")],
                        [("count", "v0 outputs=1")],
                        [("count", "v1 outputs=1"), ("say hello", "v1 hello")]),
    "unsafe_replaced_several": ([("say hi", "v0 hi")],
                                [("count", "v0 outputs=1")],
                                [("count", "v1 outputs=1"), ("say hello", "v1 hello")]),
    "unsafe_stack": ([("a", "v0 a calls=1 limit=5")],
                     [],
                     [("b", "v1 b calls=2 limit=5 fails=0"), ("x", "v1 x calls=3 limit=5 fails=1"),
                      ("c", "v1 c calls=4 limit=5 fails=0")]),
    "unsafe_startup": ([],
                       [("show", "v0 port=11211 verbose=0")],
                       [("show", "v1 port=11211 verbose=0 item_max=1048576 dispatcher=7 quiet=0 trace=0")]),
}
FINDINGS = {"unsafe_table": ("unsynced", ["tab"]), "unsafe_untyped": ("untyped", ["struct conn"]),
            "unsafe_replaced": ("replaced", ["n_out", "out_fds"]),
            "unsafe_replaced_several": ("replaced", ["out_fds"]),
            "unsafe_stack": ("stack", ["serve"]), "unsafe_startup": ("startup", ["dispatcher_id", "settings"])}


def ask(t: Target, command: str, answer) -> None:
    """One command; its answer must be `answer` (None: it gives none)."""
    if answer is None:
        t.proc.stdin.write(command + "\n")
        t.proc.stdin.flush()
    else:
        assert t.ask(command, timeout=30) == answer, command


def maps(t: Target) -> list[str]:
    return Path(f"/proc/{t.pid}/maps").read_text().splitlines()


@pytest.fixture
def running(request, tmp_path):
    """(case, target with v0's state, its executable)."""
    name = request.param
    # gcc must not inline the command handlers into main, whose activation never
    # ends: calls from its loop must reach the redirected functions
    exe = build_c(case(CONSTRUCTOR, name).sources(0), tmp_path / name, extra=["-fno-inline"])
    t = Target([exe])
    state, checks, _ = SCRIPTS[name]
    for c, a in state + checks:
        ask(t, c, a)
    try:
        yield name, t, exe
    finally:
        t.stop()


def diff(name: str, exe: Path, out: Path, user_code=None) -> subprocess.CompletedProcess:
    extra = ["--user-code", user_code] if user_code else []
    return polusgen("diff", *case(CONSTRUCTOR, name).pair(), "-o", out, "--binary", exe, *extra)


@pytest.mark.parametrize("running", sorted(SCRIPTS), indirect=True)
def test_uncovered_patch_is_refused_and_the_target_untouched(running, tmp_path):
    name, t, exe = running
    code, entities = FINDINGS[name]
    patch = tmp_path / "p.polus.c"
    r = diff(name, exe, patch)
    skeleton = tmp_path / "p.skeleton.c"
    flat = " ".join(r.stdout.split())    # the console wraps long lines
    for e in entities:
        assert f"error[{code}]: {e}: " in flat, r.stdout
    assert f"{skeleton}: the skeleton of" in r.stdout and skeleton.is_file()

    # polusgen build refuses, and leaves no library; so does the skeleton as it is
    for extra in ([], ["--user-code", skeleton]):
        b = polusgen("build", patch, "-o", tmp_path / "p.so", *extra, check=False)
        assert b.returncode == 1 and "not built" in b.stderr and str(skeleton) in b.stderr, b.stderr
        assert all(e in b.stderr for e in entities)
        assert not (tmp_path / "p.so").exists()

    # a library built without polusgen's check (as the Makefile would) is refused by apply
    so = tmp_path / "elsewhere.so"
    subprocess.run(gcc_command(patch, so), check=True, capture_output=True)
    before = maps(t)
    a = polusgen("apply", t.pid, so, check=False)
    assert a.returncode == 1, a.stdout + a.stderr
    assert f"process {t.pid} not updated" in a.stderr and "untouched" in a.stderr
    assert all(e in a.stderr for e in entities) and str(skeleton) in a.stderr
    assert maps(t) == before                      # nothing loaded: no runtime, no patch
    for c, ans in SCRIPTS[name][1]:
        ask(t, c, ans)                              # still v0, state intact


@pytest.mark.parametrize("running", sorted(SCRIPTS), indirect=True)
def test_covered_patch_applies_and_carries_the_state(running, tmp_path):
    name, t, exe = running
    user = case(CONSTRUCTOR, name) / "user.c"
    patch = tmp_path / "p.polus.c"
    r = diff(name, exe, patch, user)
    flat = " ".join(r.stdout.split())
    assert flat.count("(covered by the user code: user_polus_") == len(FINDINGS[name][1]), r.stdout
    assert not (tmp_path / "p.skeleton.c").exists()
    polusgen("build", patch, "-o", tmp_path / "p.so", "--user-code", user)
    a = polusgen("apply", t.pid, tmp_path / "p.so")
    assert "WARNING" not in a.stderr
    for c, ans in SCRIPTS[name][2]:
        ask(t, c, ans)


@pytest.mark.parametrize("running", ["unsafe_startup"], indirect=True)
def test_the_converter_of_a_global_covers_its_new_member(running, tmp_path):
    """A member new in a global's struct that only start-up fills is carried
    as well by the user's converter of that global (user_polus_o2n_<g>) as by
    user_polus_init_<g>: covered, built, and the updated program reads it."""
    name, t, exe = running
    user = case(CONSTRUCTOR, name) / "user_converter.c"
    patch = tmp_path / "p.polus.c"
    r = diff(name, exe, patch, user)
    flat = " ".join(r.stdout.split())
    assert "error[startup]: settings: " in flat and "(or user_polus_o2n_settings))" in flat, r.stdout
    assert flat.count("(covered by the user code: user_polus_") == 2, r.stdout
    assert not (tmp_path / "p.skeleton.c").exists()
    polusgen("build", patch, "-o", tmp_path / "p.so", "--user-code", user)
    assert not read_manifest(tmp_path / "p.so").uncovered()
    a = polusgen("apply", t.pid, tmp_path / "p.so")
    assert "WARNING" not in a.stderr
    for c, ans in SCRIPTS[name][2]:
        ask(t, c, ans)


@pytest.mark.parametrize("running", ["unsafe_replaced"], indirect=True)
def test_force_applies_loudly_and_the_state_is_lost(running, tmp_path):
    name, t, exe = running
    patch = tmp_path / "p.polus.c"
    diff(name, exe, patch)
    b = polusgen("build", patch, "-o", tmp_path / "p.so", "--force")
    assert b.returncode == 0 and "WARNING" in b.stderr and "--force" in b.stderr, b.stderr
    a = polusgen("apply", t.pid, tmp_path / "p.so", check=False)
    assert a.returncode == 1                       # forced at build is not forced at apply
    a = polusgen("apply", t.pid, tmp_path / "p.so", "--force")
    assert "WARNING" in a.stderr and "out_fds" in a.stderr and "n_out" in a.stderr
    ask(t, "say lost", None)                        # v1 code, no output to say it on ...
    ask(t, "count", "v1 outputs=0")                 # ... as the finding said


@pytest.mark.parametrize("running", ["unsafe_stack"], indirect=True)
def test_forced_stub_never_hands_new_code_null(running, tmp_path):
    """The object on main's stack has no counterpart: forced, the generated
    stub gives new code a copy for each call and carries it back (the process
    lives and keeps v0's state); what only v1 keeps is lost between calls."""
    name, t, exe = running
    patch = tmp_path / "p.polus.c"
    assert diff(name, exe, patch).returncode == 0
    assert polusgen("build", patch, "-o", tmp_path / "p.so", "--force").returncode == 0
    a = polusgen("apply", t.pid, tmp_path / "p.so", "--force")
    assert a.returncode == 0, a.stdout + a.stderr
    ask(t, "b", "v1 b calls=2 limit=5 fails=0")
    ask(t, "x", "v1 x calls=3 limit=5 fails=1")
    ask(t, "c", "v1 c calls=4 limit=5 fails=0")
