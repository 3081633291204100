"""Binary-aware promotion: a changed function that gcc -O2 inlined into a
caller makes the caller changed too.  The binary is really built with gcc -O2;
the Programs are hand-built to match its sources (the frontend is not tested here)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from polusgen.diff import compute_changeset
from polusgen.diff.inlining import BinaryCode
from polusgen.model import Status

from test_diff_rules import F, P

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("objdump") is None,
                                reason="needs gcc and binutils")

A_C = r"""
#include <stdio.h>
int other(int x);
static int helper(int x) { return x * 3 + 1; }
int tiny(int x) { return x + 7; }
int api(int x) { return helper(x) + other(x); }
int api2(int x) { return tiny(x) * 5; }
void run(void) { volatile int n = 0; for (;;) { n = helper(n); if (n == 42) printf("x\n"); } }
"""
B_C = r"""
int other(int x) { static volatile int s; s += x; return s * 2; }
"""
MAIN_C = r"""
#include <stdio.h>
int api(int x); int api2(int x); int tiny(int x); void run(void);
int main(int argc, char **argv) { printf("%d %d %d\n", api(argc), api2(argc), tiny(argc)); if (argc > 5) run(); return 0; }
"""


@pytest.fixture(scope="module")
def exe(tmp_path_factory):
    d = tmp_path_factory.mktemp("inl")
    for name, text in (("a.c", A_C), ("b.c", B_C), ("main.c", MAIN_C)):
        (d / name).write_text(text)
    out = d / "prog"
    subprocess.run(["gcc", "-O2", "-o", str(out), "a.c", "b.c", "main.c"], cwd=d, check=True)
    return out


def program(changed: set[str]):
    def body(key):
        return "{new}" if key in changed else "{}"
    fns = [F("helper@a.c", body=body("helper@a.c")), F("tiny", body=body("tiny")),
           F("api", calls={"helper@a.c", "other"}, body=body("api")),
           F("api2", calls={"tiny"}, body=body("api2")),
           F("run", calls={"helper@a.c", "printf"}, loops_forever=True, body=body("run")),
           F("other", body=body("other")), F("main", calls={"api", "api2", "tiny", "run"})]
    for f in fns:
        if f.name == "other":
            f.file = "b.c"
        if f.name == "main":
            f.file = "main.c"
    return P(*fns)


def test_symbols_and_calls_are_read_from_the_binary(exe):
    code = BinaryCode(exe)
    names = {s.name for s in code.symbols}
    assert {"api", "api2", "tiny", "other", "main"} <= names
    nm = subprocess.run(["nm", str(exe)], capture_output=True, text=True, check=True).stdout
    nm_funcs = {line.split()[2] for line in nm.splitlines() if len(line.split()) == 3 and line.split()[1] in "tT"}
    assert names <= nm_funcs | {n for n in names if "." in n}
    api, other = program(set()).functions["api"], program(set()).functions["other"]
    assert {s.addr for s in code.symbols_of(other)} <= code.targets_from(code.symbols_of(api))


def test_inlined_changed_functions_promote_their_callers(exe):
    old = program(set())
    new = program({"helper@a.c", "tiny", "other"})
    plain = compute_changeset(old, new)
    assert {c.key for c in plain.with_status("function", Status.CHANGED)} == {"helper@a.c", "tiny", "other"}

    cs = compute_changeset(old, new, binary=exe)
    changed = {c.key for c in cs.with_status("function", Status.CHANGED)}
    # helper has no symbol: inlined into api and run; tiny keeps its symbol but lives on in api2;
    # other is in another file: api really calls it, so it does not promote api by itself
    assert changed == {"helper@a.c", "tiny", "other", "api", "api2", "run"}
    assert any("inlines changed function helper@a.c" in r and "no symbol" in r for r in cs.functions["api"].reasons)
    assert any("inlines changed function tiny" in r for r in cs.functions["api2"].reasons)
    assert not any("other" in r for r in cs.functions["api"].reasons)
    assert "main" not in changed            # main calls api/api2/tiny through real calls
    codes = {w.code for w in cs.warnings}
    assert "inlined" in codes               # helper has no symbol of its own
    nl = [w for w in cs.warnings if w.code == "inlined-never-left"]
    assert nl and "run" in nl[0].message


def test_missing_binary_is_a_user_error(tmp_path):
    from polusgen.errors import PolusError
    with pytest.raises(PolusError, match="no such binary"):
        compute_changeset(program(set()), program({"tiny"}), binary=tmp_path / "nope")


def test_how_a_caller_reaches_a_changed_function():
    from polusgen.diff.inlining import Sym, how_f_reaches

    g = [Sym("g", 0x100, 40, False, None), Sym("g.constprop.0", 0x200, 30, False, None),
         Sym("g.part.0", 0x300, 20, False, None), Sym("g.cold", 0x400, 10, False, None)]
    assert how_f_reaches("g", {0x100, 0x999}, g) is None                      # a real call to g
    assert "g.constprop.0" in how_f_reaches("g", {0x100, 0x200}, g)            # a clone the jump misses
    assert "part of changed function g" in how_f_reaches("g", {0x300}, g)
    assert "no call to it left" in how_f_reaches("g", {0x400, 0x999}, g)       # only g's cold piece
    assert "no symbol" in how_f_reaches("g", {0x100}, [])
    assert g[1].base == "g" and g[1].clone_kind == "constprop" and g[0].clone_kind is None


def test_a_dropped_function_is_not_called_inlined(exe):
    old, new = program(set()), program(set())
    old.functions["dead@a.c"] = F("dead@a.c", body="{1}")
    new.functions["dead@a.c"] = F("dead@a.c", body="{2}")
    cs = compute_changeset(old, new, binary=exe)
    ws = [w for w in cs.warnings if w.code == "inlined"]
    assert len(ws) == 1 and "nothing calls it" in ws[0].message
    assert {c.key for c in cs.with_status("function", Status.CHANGED)} == {"dead@a.c"}
