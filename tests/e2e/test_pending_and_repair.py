"""A generated patch applied while a thread is blocked inside an old function
that uses the changed global, with a hand-written pre-update callback that
repairs a tainted state first (paper section 5.1.3).

Version 0 lets `lg.n` run past its buffer; version 1 counts those notes as
`dropped`.  The holder thread sits in read(2) inside the old hold(), which
writes `lg.last`: the update stays pending, writes from both sides are
carried across, and it terminates once hold() returns.  The rollback waits
the same way for the new hold() and carries the state back."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from polusgen.errors import InjectError
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import eventually, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "tainted")


class Prog:
    def __init__(self, exe: Path):
        self.p = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self.p.stdout.readline().strip() == "ready"

    def send(self, line: str) -> None:
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def report(self) -> dict:
        self.send("report")
        parts = self.p.stdout.readline().split()
        out = {"version": parts[0]}
        out.update(p.split("=") for p in parts[1:])
        return out

    def report_until(self, key: str, value: str) -> dict:
        return eventually(self.report, lambda r: r.get(key) == value, pause=0.02, what=f"{key}={value}")


@pytest.fixture
def prog(tmp_path):
    exe = build_c(CASE.sources(0), tmp_path / "notes")
    patch_c = tmp_path / "notes-v1.polus.c"
    polusgen("diff", CASE / "v0", CASE / "v1", "-o", patch_c, "--binary", exe, "--user-code", CASE / "repair.c")
    so = tmp_path / "notes-v1.so"
    polusgen("build", patch_c, "-o", so)
    p = Prog(exe)
    try:
        yield p, so
    finally:
        p.p.kill()
        p.p.wait()


def test_pending_update_repaired_state_and_rollback(prog):
    p, so = prog
    for _ in range(11):
        p.send("note")
    assert p.report() == {"version": "v0", "n": "11", "last": "-"}      # tainted: only 8 stored

    res = apply_patch(p.p.pid, so, wait=0.2)
    assert not res.terminated
    assert [a["name"] for a in res.active] == ["hold"]                 # the blocked thread keeps it alive
    # the pre-update callback repaired the old state before it was carried over
    assert p.report() == {"version": "v1", "n": "8", "dropped": "3", "last": "-"}
    p.send("note")                                                     # new code, new data
    assert p.report() == {"version": "v1", "n": "8", "dropped": "4", "last": "-"}
    assert "old function hold still active" in process_status(p.p.pid).describe()

    p.send("open z")                                                   # old hold() writes the old copy ...
    r = p.report_until("last", "z")                                    # ... and the new code sees it
    assert r == {"version": "v1", "n": "8", "dropped": "4", "last": "z"}
    st = process_status(p.p.pid)                                       # hold() returned: nothing old is left
    assert st.version == 1 and "terminated" in st.describe()

    rb = rollback_patch(p.p.pid, wait=0.2)
    assert not rb.terminated                                           # now the new hold() is the one blocked
    assert p.report() == {"version": "v0", "n": "8", "last": "z"}      # state carried back
    with pytest.raises(InjectError, match="still rolling back .* apply it again when the rollback has finished"):
        apply_patch(p.p.pid, so, wait=0.1)                             # not yet: nothing changes
    p.send("open y")                                                   # new hold() writes the new copy ...
    assert p.report_until("last", "y") == {"version": "v0", "n": "8", "last": "y"}
    st = process_status(p.p.pid)                                       # sees the rollback end, unloads it
    assert st.version == 0 and "has finished rolling back and was unloaded" in st.describe()
    p.send("note")                                                     # and version 0's bug is back
    assert p.report()["n"] == "9"
