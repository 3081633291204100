"""Transfer points of never-left functions, read from a -O2 -g binary's DWARF
(issue 13, stage 1) and the resume entries made from the new body (stage 2)."""
from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from pycparser import c_parser

from polusgen.csyntax.cgen import SourceGenerator
from polusgen.transfer import source
from tests.support.build import REPO, build_c, needs_gcc

HERE = Path(__file__).parent / "fig2_single"


def diff(tmp: Path, exe: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polusgen", "diff", str(HERE / "v0.c"), str(HERE / "v1.c"),
                           "--binary", str(exe), *extra], cwd=REPO, capture_output=True, text=True, timeout=300)


@needs_gcc
@pytest.mark.parametrize("pie", [True, False], ids=["pie", "no-pie"])
def test_diff_lists_the_transfer_points(tmp_path, pie):
    exe = build_c([HERE / "v0.c"], tmp_path / "v0", pie=pie, extra=["-g"])
    r = diff(tmp_path, exe)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    lines = [l.strip() for l in out.splitlines()]
    assert "worker@v1.c: 3 of 3 transfer points usable" in lines
    for callee in ("sem_wait", "sem_post", "usleep"):
        assert any(l.startswith(f"{callee} (line") and l.endswith("usable, carries id") for l in lines), out
    # main waits in fgets; its buffer is used in place in the old frame
    assert any(l.startswith("fgets (line") and l.endswith("usable, carries line in place") for l in lines), out
    # calls of code gcc inlined into main are not main's own
    assert any(l.startswith("printf (line") and "not usable: made by report, which gcc inlined here" in l
               for l in lines), out
    assert "its running activation moves to the new code when it returns from" in " ".join(out.split())


@needs_gcc
def test_without_debug_information_nothing_moves_and_the_warning_says_why(tmp_path):
    exe = build_c([HERE / "v0.c"], tmp_path / "v0")
    r = diff(tmp_path, exe, "-o", str(tmp_path / "p.polus.c"))
    assert r.returncode == 0, r.stderr
    out = " ".join((r.stdout + r.stderr).split())     # however the console wraps it
    assert "build it with -g" in out and "its running activation would move to the new code" in out
    assert "transfer points" not in out
    assert "polus_transfer_land" not in (tmp_path / "p.polus.c").read_text()


@needs_gcc
def test_call_sites_are_read_once_then_kept_on_disk(tmp_path, monkeypatch):
    """A rollback reads its patch's debug information each time (about 20 s
    for a vsftpd patch): the second reader of the same file gets the same
    call sites, fresh objects, without opening the ELF; another file, or the
    same path rebuilt differently, is read again."""
    from polusgen.transfer.dwarf import DebugInfo

    monkeypatch.setenv("POLUS_CACHE_DIR", str(tmp_path / "cache"))
    exe = build_c([HERE / "v0.c"], tmp_path / "v0", extra=["-g"])
    info = DebugInfo(exe, on_disk=True)
    first = info.call_sites("main")
    assert any(c.callee == "fgets" for c in first)
    first[0].callee = "changed by a caller"
    info.close()

    def not_again(self):
        raise AssertionError("the ELF was read again")

    with monkeypatch.context() as m:
        m.setattr(DebugInfo, "_open", not_again)
        again = DebugInfo(exe, on_disk=True)
        sites = again.call_sites("main")
        assert [c.return_pc for c in sites] == [c.return_pc for c in first]
        assert sites[0].callee != "changed by a caller" and sites[1:] == first[1:]
        again.close()
        build_c([HERE / "v0.c"], exe, extra=["-g", "-O1"])
        with pytest.raises(AssertionError, match="read again"):
            DebugInfo(exe, on_disk=True).call_sites("main")


def _fn(text: str):
    return c_parser.CParser().parse(text).ext[-1]


def run_entry(tmp_path: Path, callee: str, entry: str, main: str) -> int:
    """Compiles a resume entry with gcc -Wall beside the callee it calls, runs
    `main`'s statements (which print one number) and returns that number."""
    c = tmp_path / "entry.c"
    c.write_text(f"#include <stdio.h>\n{callee}\n{entry}\nint main(void) {{ {main} return 0; }}\n")
    exe = tmp_path / "entry"
    r = subprocess.run(["gcc", "-O2", "-Wall", "-o", str(exe), str(c)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + entry
    return int(subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout)


def _problem(body: str) -> str:
    fn = _fn("int f(int); int g(int x) { int a[4]; int n = 0; " + body + " return n; }")
    idx = next(i for i, c in enumerate(source.calls(fn)) if source.callee_name(c) == "f")
    return source.locate(fn, idx).problem


def test_where_no_resume_entry_can_start():
    assert "for statement" in _problem("for (n = 0; n < f(1); n++) ;")
    assert _problem("int k = f(1); n = k;") == ""
    assert "outside a block" in _problem("for (int k = f(1); k < 3; k++) n++;")
    assert _problem("if (x && f(1)) n++;") == ""
    assert _problem("while (x || (n = f(n)) > 0) ;") == ""
    assert _problem("n = x ? n : f(2);") == ""
    assert "does more than the call" in _problem("while ((n += f(n)) > 0) ;")
    assert "does more than the call" in _problem("n = x++ + f(1);")
    assert _problem("while (f(n)) n++;") == ""


def test_live_variables_and_in_place_use():
    fn = _fn("int f(int); int g(int x) { int a[4]; int n = 0; int dead = x; "
             "for (;;) { f(n); a[n & 3] = n; n++; } return 0; }")
    idx = next(i for i, c in enumerate(source.calls(fn)) if source.callee_name(c) == "f")
    found = source.locate(fn, idx)
    assert [(v.name, v.by_ref) for v in found.live] == [("a", True), ("n", False)]
    text = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), idx, "g_resume"))
    assert "g_resume(long __polus_result, int (*__polus_ref_a)[4], int __polus_in_n)" in text
    assert "goto __polus_resume;" in text and "n = __polus_in_n;" in text
    assert "(*__polus_ref_a)[n & 3] = n;" in text


@needs_gcc
def test_resume_entry_runs_from_the_point(tmp_path):
    """The resume entry compiled by gcc and called directly: it continues the
    loop after the call with the values given, and returns what the function returns."""
    fn = _fn("int f(int); int g(int x) { int n = 0; int sum = 0; "
             "while (n < 5) { sum += f(n); n++; } return sum * 100 + x; }")
    idx = 0
    entry = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), idx, "g_resume"))
    out = run_entry(tmp_path, "int f(int v) { return v; }", entry,
                    'printf("%d\\n", g_resume(7, 4, 3, 10));')
    assert "g_resume(long __polus_result, int __polus_in_x, int __polus_in_n, int __polus_in_sum)" in entry
    # resumed after f(3) returned 7 with x = 4, n = 3, sum = 10: sum = 17, then f(4): 21 -> 2100 + 4
    assert out == 2104


@needs_gcc
def test_a_second_patch_needs_the_library_the_loops_moved_into(tmp_path):
    """After v0 -> v1 moved the loops into v1's patch code, v1 -> v2 finds their
    transfer points in that library's debug information: a library that is
    not there (never built) leaves them where they are, and says so."""
    exe = build_c([HERE / "v0.c"], tmp_path / "v0", extra=["-g"])
    v2 = tmp_path / "v2.c"
    v2.write_text((HERE / "v1.c").read_text().replace("a->j++;", "a->j += 2;"))
    vf = tmp_path / "vf.json"
    r = diff(tmp_path, exe, "-o", str(tmp_path / "p1.polus.c"), "--version-file", str(vf))
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "polusgen", "diff", str(HERE / "v1.c"), str(v2), "--binary", str(exe),
                        "-o", str(tmp_path / "p2.polus.c"), "--version-file", str(vf)],
                       cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = " ".join((r.stdout + r.stderr).split())
    assert "worker@v2.c is changed but never left" in out or "inlined into worker" in out, out
    assert "its running activation runs the code of patch" in out and "cannot be read for its transfer points" \
        in out and "it stays there" in out, out
    assert "polus_transfer_land" not in (tmp_path / "p2.polus.c").read_text()


@needs_gcc
def test_resume_entry_after_a_declaration_initialized_by_the_call(tmp_path):
    """`int fd = accept(...)`: the declaration stays in its block, the label goes
    just before it, and the old call's value initializes it."""
    fn = _fn("int f(int); int g(int x) { int sum = 0; for (;;) { int v = f(sum); if (v < 0) break; sum += v; } "
             "return sum; }")
    entry = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), 0, "g_resume"))
    assert "g_resume(long __polus_result, int __polus_in_sum)" in entry
    out = run_entry(tmp_path, "int f(int s) { return s < 50 ? 10 : -1; }", entry,
                    'printf("%d\\n", g_resume(5, 20));')
    # resumed with v = 5, sum = 20: 25, 35, 45, 55 then f says stop
    assert out == 55


@needs_gcc
def test_resume_entry_from_a_call_in_a_switch_case(tmp_path):
    """A call that is a statement of a `case` (pycparser keeps a case's
    statements in a list, not in a block): the entry starts there, and what
    the rest of the case reads is live."""
    fn = _fn("int f(int); int g(int x) { int t = x * 2; int r = 0; "
             "switch (x) { case 1: f(x); r = t; break; default: r = -1; } return r; }")
    assert [v.name for v in source.locate(fn, 0).live] == ["t", "r"]
    entry = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), 0, "g_resume"))
    out = run_entry(tmp_path, "int f(int v) { return v; }", entry,
                    'printf("%d\\n", g_resume(1, 6, 0));')
    # resumed after f(x) with t = 6: the rest of case 1 gives r = t
    assert out == 6


@needs_gcc
def test_resume_entry_of_a_function_with_an_array_parameter(tmp_path):
    """`int main(int argc, char *argv[])`: the parameters become locals of the
    resume entry, and an array parameter is a pointer there, as it was."""
    fn = _fn("int f(int); int g(int argc, char *argv[]) { int n = 0; "
             "for (;;) { f(n); n++; if (n > argc) return n + (argv[0][0] == 'x'); } }")
    entry = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), 0, "g_resume"))
    assert "char **argv;" in entry
    out = run_entry(tmp_path, "int f(int v) { return v; }", entry,
                    'char *v[] = {"x", 0}; printf("%d\\n", g_resume(0, 2, v, 1));')
    # resumed after f(1) with argc = 2, n = 1: n = 2, then f(2), n = 3 > 2: 3 + 1
    assert out == 4


def test_only_a_function_returning_in_rax_can_resume():
    """The landing hands the result back in rax: a struct or a float return
    makes every point of the function unusable, an integer or a pointer does not."""
    from polusgen.transfer.points import _return_problem

    def ret(src: str):
        return _fn(src).decl.type.type

    assert _return_problem(ret("int g(void) { return 0; }")) == ""
    assert _return_problem(ret("unsigned long g(void) { return 0; }")) == ""
    assert _return_problem(ret("char *g(void) { return 0; }")) == ""
    assert _return_problem(ret("void g(void) { }")) == ""
    assert _return_problem(ret("enum e { A } g(void) { return A; }")) == ""
    assert "struct" in _return_problem(ret("struct s { long a, b, c; }; struct s g(void) { struct s x = {0}; return x; }"))
    assert _return_problem(ret("double g(void) { return 0; }"))
    assert _return_problem(ret("typedef struct { int a; } T; T g(void) { T x = {0}; return x; }"))


@needs_gcc
def test_resume_entry_from_a_call_under_and(tmp_path):
    """`while (ok && (x = f(n)) > 0)`: the old activation waited in f, so ok
    was true; the resumed evaluation takes that path without reading ok again
    (it may have changed since), assigns f's value to x and goes on."""
    fn = _fn("int f(int); int ok; int g(int x) { int n = 0; while (ok && (x = f(n)) > 0) n += x; return n; }")
    entry = SourceGenerator().visit(source.resume_entry(copy.deepcopy(fn), 0, "g_resume"))
    assert "g_resume(long __polus_result, int __polus_in_x, int __polus_in_n)" in entry
    out = run_entry(tmp_path, "int ok = 1; int f(int v) { return v; }", entry,
                    'ok = 0; printf("%d\\n", g_resume(5, 0, 10));')
    # resumed with f's value 5 and n = 10: n = 15, then ok (now 0) ends the loop
    assert out == 15



@needs_gcc
def test_a_macro_that_parses_as_a_call_gets_no_back_entry(tmp_path):
    """FD_ZERO and FD_SET parse as calls but are statements of the real
    headers: a back entry resumed after one would not compile (dropbear's
    session_loop), and no activation can wait in one.  Nor after a call
    whose value the landing cannot hand over in rax (a struct, as vsftpd's
    vsf_standalone_main returns, or a double).  select gets its back entry,
    and the patch builds."""
    here = Path(__file__).parent / "select_loop"
    exe = build_c([here / "v0.c"], tmp_path / "v0", extra=["-g"])
    out = tmp_path / "p.polus.c"
    r = subprocess.run([sys.executable, "-m", "polusgen", "diff", str(here / "v0.c"), str(here / "v1.c"),
                        "--binary", str(exe), "-o", str(out)], cwd=REPO, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "resumed after its call 1 of select (rollback)" in text
    assert "of FD_ZERO" not in text and "of FD_SET" not in text and "of FD_ISSET" not in text
    assert "of tally (rollback)" not in text and "of share (rollback)" not in text
    b = subprocess.run([sys.executable, "-m", "polusgen", "build", str(out)], cwd=REPO, capture_output=True,
                       text=True, timeout=300)
    assert b.returncode == 0, b.stderr
