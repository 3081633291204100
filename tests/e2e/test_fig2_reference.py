"""The paper's Fig. 2 program, updated live with the reference patch
(docs/patch-example.polus.c) while four threads run, rolled back, and every
way an apply can be refused, each leaving the target running correctly."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from polusgen import elf
from polusgen.errors import InjectError
from polusgen.inject import ptrace as pt
from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, build_so, needs_gcc, needs_ptrace, REPO
from tests.support.cases import FIG2
from tests.support.process import moving_reports, parse_report

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
PATCH_C = REPO / "docs" / "patch-example.polus.c"


def make_patch(tmp: Path, name: str, replace=(), append: str = "") -> Path:
    text = PATCH_C.read_text()
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    src = tmp / f"{name}.polus.c"
    src.write_text(text + append)
    return build_so(src, tmp / f"{name}.so", include=[REPO / "runtime"])


def for_binary(exe: Path):
    return [(r'\"build_id\": null', r'\"build_id\": \"%s\"' % elf.build_id(exe))]


@pytest.fixture
def fig2(tmp_path, pie):
    return build_c(FIG2.sources(0), tmp_path / "fig2", pie=pie)


def assert_runs(t, version):
    r = moving_reports(t, ("calls", "j") if version == "v1" else ("calls",))
    assert [x["version"] for x in r] == [version, version], r
    assert all(x["i"] == x["calls"] for x in r), r          # no increment lost
    assert r[1]["calls"] > r[0]["calls"], r                 # the threads still run
    if version == "v1":
        assert r[1]["j"] > r[0]["j"], r                     # new code runs: j moves
    return r


def test_update_while_threads_run_then_roll_back(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2))
    t = targets.start([fig2])
    assert_runs(t, "v0")
    res = apply_patch(t.pid, so, wait=0.5)
    assert res.patch == "fig2-v1" and res.to_version == 1
    assert {r.name for r in res.redirects} == {"bar", "report"}
    assert "fig2-v1" in res.describe()
    after = assert_runs(t, "v1")
    assert after[0]["i"] > 0
    st = process_status(t.pid)
    assert st.version == 1 and st.runtime_loaded
    assert [p["state"] for p in st.applied()] in (["active"], ["terminated"])
    assert "fig2-v1" in st.describe() and '"patches"' in st.to_json()
    rb = rollback_patch(t.pid, wait=0.5)
    assert rb.version == 0 and [p.name for p in rb.patches] == ["fig2-v1"]
    back = assert_runs(t, "v0")
    assert back[0]["i"] >= after[-1]["i"]                   # state carried back
    assert process_status(t.pid).version == 0
    # and again: a rolled-back patch can be applied anew
    apply_patch(t.pid, so, wait=0.2)
    assert_runs(t, "v1")


def test_already_applied_is_refused(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2))
    t = targets.start([fig2])
    apply_patch(t.pid, so, wait=0.1)
    with pytest.raises(InjectError, match="already applied"):
        apply_patch(t.pid, so, wait=0.1)
    assert_runs(t, "v1")


def test_wrong_binary_is_refused(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", [(r'\"build_id\": null', r'\"build_id\": \"00112233445566778899\"')])
    t = targets.start([fig2])
    with pytest.raises(InjectError, match="built for another binary"):
        apply_patch(t.pid, so, wait=0.1)
    assert_runs(t, "v0")
    sha = [(r'\"sha256\": null', r'\"sha256\": \"%s\"' % ("ab" * 32))]
    with pytest.raises(InjectError, match="built for another binary"):
        apply_patch(t.pid, make_patch(tmp_path, "q", sha), wait=0.1)
    assert_runs(t, "v0")


def test_missing_symbol_is_refused(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2) + [(r'{\"name\": \"calls\"', r'{\"name\": \"calls_gone\"')])
    t = targets.start([fig2])
    with pytest.raises(InjectError, match="calls_gone"):
        apply_patch(t.pid, so, wait=0.1)
    assert_runs(t, "v0")


def test_dlopen_failure_shows_the_targets_dlerror(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2),
                    append="\nextern int polus_test_no_such_symbol;\n"
                           "POLUS_EXPORT int polus_test_use(void) { return polus_test_no_such_symbol; }\n")
    t = targets.start([fig2])
    with pytest.raises(InjectError, match="undefined symbol: polus_test_no_such_symbol"):
        apply_patch(t.pid, so, wait=0.1)
    assert_runs(t, "v0")
    apply_patch(t.pid, make_patch(tmp_path, "good", for_binary(fig2)), wait=0.1)
    assert_runs(t, "v1")


def test_process_exiting_during_apply(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2),
                    append="\n__attribute__((constructor)) static void polus_test_exit(void) { _exit(3); }\n")
    t = targets.start([fig2])
    with pytest.raises(InjectError, match="exited"):
        apply_patch(t.pid, so, wait=0.1)
    t.proc.wait(timeout=10)      # gone (its exit status went to us, its tracer, when we are its parent)
    assert not os.path.exists(f"/proc/{t.pid}/exe")


def test_second_injector_is_named(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p", for_binary(fig2))
    t = targets.start([fig2])
    other = pt.Tracer(t.pid)
    other.attach()
    try:
        with pytest.raises(InjectError, match=f"already traced by pid {os.getpid()}"):
            apply_patch(t.pid, so, wait=0.1)
    finally:
        other.detach_all()
    assert_runs(t, "v0")


def test_stripped_binary_and_no_process(fig2, tmp_path, targets):
    so = make_patch(tmp_path, "p")
    stripped = tmp_path / "fig2-stripped"
    shutil.copy(fig2, stripped)
    subprocess.run(["strip", str(stripped)], check=True)
    t = targets.start([stripped])
    with pytest.raises(InjectError, match="stripped"):
        apply_patch(t.pid, so, wait=0.1)
    r = parse_report(t.ask())
    assert r["version"] == "v0" and r["i"] == r["calls"]
    p = subprocess.Popen(["true"])
    p.wait()
    with pytest.raises(InjectError, match=f"no process {p.pid}"):
        apply_patch(p.pid, so, wait=0.1)


def test_rollback_without_update(fig2, targets):
    t = targets.start([fig2])
    with pytest.raises(InjectError, match="no update"):
        rollback_patch(t.pid)
    assert "no update applied" in process_status(t.pid).describe()
    assert_runs(t, "v0")


def test_a_runtime_without_the_batch_call_gets_the_redirects_one_by_one(fig2, tmp_path, targets, monkeypatch):
    """A process updated by an earlier polusgen keeps its runtime, which may
    predate polus_rt_note_redirects: the redirects then go one call each,
    and rollback puts every byte back from them all the same."""
    from polusgen.inject.session import Session

    real = Session.rt_sym

    def old_runtime(self, name):
        if name == "polus_rt_note_redirects":
            raise elf.SymbolLookupError(name)
        return real(self, name)

    monkeypatch.setattr(Session, "rt_sym", old_runtime)
    t = targets.start([fig2])
    res = apply_patch(t.pid, make_patch(tmp_path, "p", for_binary(fig2)), wait=0.3)
    assert_runs(t, "v1")
    noted = {int(r["at"], 16) for r in process_status(t.pid).applied()[0]["redirects"]}
    assert noted == {r.at for r in res.redirects} and len(noted) == 2
    rollback_patch(t.pid, wait=0.3)
    assert_runs(t, "v0")
