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

from tests.support.programs import F, P

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("objdump") is None,
                                reason="needs gcc and binutils")

A_C = r"""
#include <stdio.h>
int other(int x);
static int helper(int x) { return x * 3 + 1; }
int tiny(int x) { return x * x + 7; }   /* long enough for a jump at its entry */
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


# ---------------------------------------------------------------- later steps of a chain
# At step N the live version of a function may be in an earlier patch's
# library (the version file says which): that .so is where it is looked for.

def write_versions(root, versions: list[dict[str, str]]):
    trees = []
    for i, files in enumerate(versions):
        d = root / f"v{i}"
        d.mkdir()
        for name, text in files.items():
            (d / name).write_text(text)
        trees.append(d)
    return trees


def run_chain(tmp_path, versions: list[dict[str, str]]):
    """evolve over the versions for their v0 built with gcc -O2: the change set of
    every step; the version file as it is after step N is kept as out/prog.vN.json."""
    from polusgen.evolve import evolve

    trees = write_versions(tmp_path, versions)
    exe = tmp_path / "prog"
    subprocess.run(["gcc", "-O2", "-o", str(exe), *sorted(versions[0])], cwd=trees[0], check=True)
    steps = {}
    out = tmp_path / "out"

    def step(n, _, cs):
        steps[n] = cs
        shutil.copy(out / "prog.json", out / f"prog.v{n}.json")

    evolve(trees, out, binary=exe, use_cache=False, on_step=step)
    return exe, trees, steps


MAIN_F = "int main(int argc, char **argv) { printf(\"%d\\n\", f(argc)); return 0; }\n"
ADDED_H = [
    {"prog.c": "#include <stdio.h>\nint f(int x) { return x + 1; }\n" + MAIN_F},
    {"prog.c": "#include <stdio.h>\nstatic int h(int x) { return x * 3; }\n"
               "int f(int x) { return h(x) + 1; }\n" + MAIN_F},
    {"prog.c": "#include <stdio.h>\nstatic int h(int x) { return x * 5; }\n"
               "int f(int x) { return h(x) + 1; }\n" + MAIN_F},
]


def test_a_function_added_by_a_patch_is_looked_for_in_that_patch(tmp_path):
    # h came in patch 1: it never was in the binary, it is h_v1 in prog-v1.so,
    # and f_v1 there calls it through the patch's PLT
    exe, trees, steps = run_chain(tmp_path, ADDED_H)
    cs = steps[2]
    assert cs.functions["h@prog.c"].status is Status.CHANGED
    assert not [w for w in cs.warnings if "no symbol" in w.message], [str(w) for w in cs.warnings]
    assert cs.functions["f"].status is Status.UNCHANGED, cs.functions["f"].reasons

    # `polusgen diff --binary --version-file` finds the patch the same way ...
    from polusgen.pipeline import load_changeset

    vfile = tmp_path / "out" / "prog.v1.json"
    cs = load_changeset(trees[1], trees[2], binary=exe, version_file=vfile, use_cache=False)
    assert not [w for w in cs.warnings if "no symbol" in w.message]
    # ... and says so when it is gone, looking in the binary instead
    (tmp_path / "out" / "prog-v1.so").rename(tmp_path / "moved.so")
    cs = load_changeset(trees[1], trees[2], binary=exe, version_file=vfile, use_cache=False)
    missing = [w for w in cs.warnings if w.code == "patch-library-missing"]
    assert len(missing) == 1 and "prog-v1.so" in missing[0].message and "h@prog.c" in missing[0].message
    assert any("h@prog.c has no symbol in prog" in w.message for w in cs.warnings)


INLINED_IN_PATCH = [
    {"helper.c": "int helper(int x) { return x * 3 + 1; }\n",
     "prog.c": "#include <stdio.h>\nint helper(int x);\nint f(int x) { return helper(x) + 1; }\n" + MAIN_F},
    {"helper.c": "int helper(int x) { return x * 5 + 1; }\n",
     "prog.c": "#include <stdio.h>\nint helper(int x);\nint f(int x) { return helper(x) + 2; }\n" + MAIN_F},
    {"helper.c": "int helper(int x) { return x * 7 + 1; }\n",
     "prog.c": "#include <stdio.h>\nint helper(int x);\nint f(int x) { return helper(x) + 2; }\n" + MAIN_F},
]


def test_inlining_inside_a_patch_promotes_the_caller_later(tmp_path, monkeypatch):
    # In the binary f calls helper (another file).  Patch 1 defines both; built
    # the way clang does by default (no semantic interposition), gcc inlines
    # helper_v1 into f_v1, so a jump at helper_v1's entry would not reach f_v1.
    import polusgen.build

    monkeypatch.setattr(polusgen.build, "CFLAGS", [*polusgen.build.CFLAGS, "-fno-semantic-interposition"])
    exe, trees, steps = run_chain(tmp_path, INLINED_IN_PATCH)
    so = tmp_path / "out" / "prog-v1.so"
    lib = BinaryCode(so)
    assert lib.symbols_named("helper_v1") and lib.symbols_named("f_v1")
    assert not {s.addr for s in lib.symbols_named("helper_v1")} & lib.targets_from(lib.symbols_named("f_v1"))

    cs = steps[2]
    assert cs.functions["helper"].status is Status.CHANGED
    assert cs.functions["f"].status is Status.CHANGED
    assert any("inlines changed function helper" in r and "prog-v1.so" in r for r in cs.functions["f"].reasons)
    assert cs.promoted["f"].startswith("inlines changed function helper")


def test_a_never_left_caller_is_still_looked_at_in_the_binary(tmp_path):
    # main's running activation is the binary's, with g inlined: every change of
    # g is said not to reach it, also once main's live version is in patch 1
    def version(k):
        return {"prog.c": f"#include <stdio.h>\nstatic int g(int x) {{ return x * {k}; }}\n"
                          "int main(int argc, char **argv) { printf(\"%d\\n\", g(argc)); return 0; }\n"}

    exe, trees, steps = run_chain(tmp_path, [version(3), version(5), version(7)])
    for n in (1, 2):
        assert [w for w in steps[n].warnings if w.code == "inlined-never-left" and "g@prog.c" in w.message]


def test_a_changed_function_too_short_for_a_jump_is_carried_by_its_callers(tmp_path):
    """A lone `ret` cannot take the 5-byte jump: the patch does not redirect it
    (apply would refuse); its caller, promoted by the diff, is redirected instead."""
    from polusgen.emit import write_patch
    from polusgen.pipeline import load_changeset
    from tests.support.cases import CONSTRUCTOR, case

    c = case(CONSTRUCTOR, "short_hook")
    exe = tmp_path / "prog"
    subprocess.run([*c.expected["binary"]["build"], "-o", str(exe), *map(str, c.sources(0))], check=True)
    cs = load_changeset(*c.pair(), binary=exe, use_cache=False)
    plan = write_patch(cs, tmp_path / "p.polus.c", binary=exe, program="short_hook")
    m = plan.manifest
    redirected = {m.old_functions[r.old].name for r in m.redirects}
    assert redirected == {"handle"}
    assert "hook" not in {i.name for i in m.imports}
    assert "hook_v1" in {f.symbol for f in m.new_functions}     # what handle_v1 calls
    [w] = [w for w in plan.warnings if w.code == "too-short"]
    assert "hook is only 1 bytes long" in w.message and "its callers carry the change" in w.message
