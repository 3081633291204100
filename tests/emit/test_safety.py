"""Error-level findings (polusgen.plan.safety): state a patch cannot carry.

Every case under tests/cases/ gives exactly the findings its expected.json
lists under "findings" (none when it lists none), and the corpus servers'
release pairs none that their user code does not cover (else a false
positive).  Small programs written here check what must not be a finding.  `polusgen build` refuses an
uncovered patch, the skeleton compiles but covers nothing, user code covers."""
from __future__ import annotations

from pathlib import Path

import pytest

from polusgen.elf import read_manifest
from tests.support.cases import CONSTRUCTOR, CORPUS, case, cases
from tests.support.process import polusgen


def plan_of(old: Path, new: Path, tmp: Path, **kw):
    from polusgen.emit import write_patch
    from polusgen.pipeline import load_changeset

    cs = load_changeset(old, new, include=kw.pop("include", ()))
    return write_patch(cs, tmp / "p.polus.c", **kw)


def findings_of(old: Path, new: Path, tmp: Path, **kw):
    return plan_of(old, new, tmp, **kw).errors


@pytest.mark.parametrize("c", [c for c in cases() if c.expected and not c.name.startswith("fail_")],
                         ids=lambda c: c.name)
def test_case_findings(c, tmp_path):
    exp = c.expected
    got = findings_of(*c.pair(), tmp_path, include=exp.get("include", []))
    want = exp.get("findings", [])
    assert len(got) == len(want), [str(f) for f in got]
    for w, f in zip(sorted(want, key=lambda x: x["entity"]), sorted(got, key=lambda x: x.entity)):
        assert (f.severity, f.code, f.entity, list(f.covers)) == ("error", w["code"], w["entity"], w["covers"])
        for sub in w["contains"]:
            assert sub in f.reason, (sub, f.reason)
        for c in f.covers:
            assert f"void user_polus_{c}(" in f.skeleton and f"#define POLUS_TODO_{c} 1" in f.skeleton
    if want:
        assert (tmp_path / "p.skeleton.c").is_file()
    else:
        assert not (tmp_path / "p.skeleton.c").exists()


def test_an_error_replaces_the_warning_about_the_same_thing(tmp_path):
    plan = plan_of(*case(CONSTRUCTOR, "unsafe_table").pair(), tmp_path)
    assert [f.entity for f in plan.errors] == ["tab"]
    assert not [str(w) for w in plan.warnings if w.code == "not-synchronized"]
    assert "warning[not-synchronized]" not in (tmp_path / "p.polus.c").read_text()


@pytest.mark.parametrize("server", ["ftpish", "kvserver"])
def test_corpus_release_pairs_have_no_uncovered_findings(server, tmp_path):
    """What a step's hand-written user code (corpus/<server>/patches) covers is no false positive."""
    c = case(CORPUS, server)
    vs = c.versions()
    assert len(vs) >= 2
    for a, b in zip(vs, vs[1:]):
        user = c / "patches" / f"{a}-{b}.user.c"
        got = findings_of(*c.pair(a, b), tmp_path, user_code=user if user.is_file() else None)
        assert [str(f) for f in got if not f.covered] == [], f"{a} -> {b}"


HEADER = "#include <stdio.h>\n#include <stdlib.h>\n"


@pytest.mark.parametrize("what, v0, v1", [
    # fresh memory or null pointers cast to the changed struct, and typed pointers: no untyped access
    ("malloc cast and typed arrays",
     "struct s { int a; };\nstruct s *tab[4];\n"
     "void add(int i) { struct s *p = (struct s *)malloc(sizeof *p); p->a = i; tab[i] = p; }\n"
     "int get(int i) { struct s *p = tab[i]; return p->a; }\nint main(void) { add(1); return get(1); }\n",
     "struct s { int a; int b; };\nstruct s *tab[4];\n"
     "void add(int i) { struct s *p = (struct s *)malloc(sizeof *p); p->a = i; p->b = 0; tab[i] = p; }\n"
     "int get(int i) { struct s *p = tab[i], *q = (void *)0, *r = (struct s *)0; p = NULL;\n"
     "  return p->a + p->b + (q == r); }\nint main(void) { add(1); return get(1); }\n"),
    # the new global is filled again inside main's loop: nothing is lost for long
    ("refilled in the loop",
     "int last;\nvoid step(int x) { last = x; }\nint show(void) { return last; }\n"
     "int main(void) { int x; while (scanf(\"%d\", &x) == 1) { step(x); printf(\"%d\\n\", show()); } return 0; }\n",
     "int recent[2];\nvoid step(int x) { recent[1] = recent[0]; recent[0] = x; }\n"
     "int show(void) { return recent[0] + recent[1]; }\n"
     "int main(void) { int x; while (scanf(\"%d\", &x) == 1) { step(x); printf(\"%d\\n\", show()); } return 0; }\n"),
    # a function pointer member keeps the new copy's own (new) value: a warning, not an error
    ("function pointer member",
     "struct ops { int (*f)(int); };\nint one(int x) { return x; }\nstruct ops ops = { one };\n"
     "int main(void) { return ops.f(1); }\n",
     "struct ops { int (*f)(int, int); };\nint one(int x, int y) { return x + y; }\nstruct ops ops = { one };\n"
     "int main(void) { return ops.f(1, 2); }\n"),
], ids=lambda x: x if " " in x and "{" not in x else "")
def test_not_a_finding(what, v0, v1, tmp_path):
    (tmp_path / "v0.c").write_text(HEADER + v0)
    (tmp_path / "v1.c").write_text(HEADER + v1)
    out = tmp_path / "out"
    out.mkdir()
    assert [str(f) for f in findings_of(tmp_path / "v0.c", tmp_path / "v1.c", out)] == [], what


def test_a_skipped_member_is_the_struct_converters_to_cover(tmp_path):
    """A changed struct's member the converters cannot carry: the user writes
    that struct's converters; the skeleton compiles as it is."""
    v0 = ("#include <stdlib.h>\nstruct rec { int k; struct rec *next; };\n"
          "struct table { struct rec **b; int n; };\nstruct table t;\n"
          "int count(void) { int c = 0; for (int i = 0; i < t.n; i++)\n"
          "  for (struct rec *r = t.b[i]; r; r = r->next) c++; return c; }\n"
          "int main(void) { t.n = 4; t.b = calloc(4, sizeof *t.b); return count(); }\n")
    (tmp_path / "v0.c").write_text(v0)
    (tmp_path / "v1.c").write_text(v0.replace("int k;", "int k; int hits;"))
    patch = tmp_path / "p.polus.c"
    polusgen("diff", tmp_path / "v0.c", tmp_path / "v1.c", "-o", patch)
    skeleton = tmp_path / "p.skeleton.c"
    assert "void user_polus_o2n_struct_table(struct table_v1 *dst, const struct table *src)" in skeleton.read_text()
    b = polusgen("build", patch, "--user-code", skeleton, check=False)
    assert b.returncode == 1 and "not built" in b.stderr and "gcc failed" not in b.stderr, b.stderr
    assert "struct table: b: a pointer to a changed type" in " ".join(b.stderr.split())


def test_build_refuses_until_the_user_code_covers(tmp_path):
    patch, so = tmp_path / "t.polus.c", tmp_path / "t.so"
    r = polusgen("diff", *case(CONSTRUCTOR, "unsafe_table").pair(), "-o", patch)
    assert r.returncode == 0 and "v1.c:19: error[unsynced]: tab: " in " ".join(r.stdout.split()), r.stdout
    assert "t.skeleton.c: the skeleton of user_polus_o2n_tab, user_polus_n2o_tab" in r.stdout
    skeleton = tmp_path / "t.skeleton.c"
    # as it is, the skeleton compiles (the build gets past gcc) but covers nothing
    for extra in ([], ["--user-code", skeleton]):
        b = polusgen("build", patch, "-o", so, *extra, check=False)
        assert b.returncode == 1 and "not built" in b.stderr and "user_polus_o2n_tab" in b.stderr, b.stderr
        assert "gcc failed" not in b.stderr and not so.exists()
    # one function filled and unmarked is not enough: both directions are needed
    half = tmp_path / "half.c"
    half.write_text(skeleton.read_text().replace("#define POLUS_TODO_o2n_tab 1\n", ""))
    assert polusgen("build", patch, "-o", so, "--user-code", half, check=False).returncode == 1
    filled = tmp_path / "filled.c"
    filled.write_text(half.read_text().replace("#define POLUS_TODO_n2o_tab 1\n", ""))
    polusgen("build", patch, "-o", so, "--user-code", filled)
    m = read_manifest(so)
    assert [(f.entity, f.covered, f.skeleton) for f in m.findings] == [("tab", True, str(skeleton))]
    # forced: built, loudly, and the library says what it does not cover
    b = polusgen("build", patch, "-o", so, "--force")
    assert b.returncode == 0 and "WARNING" in b.stderr and "tab" in b.stderr
    assert [f.entity for f in read_manifest(so).uncovered()] == ["tab"]
