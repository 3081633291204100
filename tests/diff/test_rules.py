"""The diff rules on hand-built Programs (no frontend involved): each test
changes one thing and checks what the change set makes of it."""
from __future__ import annotations

from pycparser import CParser

from polusgen.diff import compute_changeset
from polusgen.diff.relations import relation
from polusgen.model import Kind, Status
from tests.support.programs import F, G, P, T, status


def test_identical_programs_change_nothing():
    a = P(T("struct A", "struct A { int i; }"), G("x"), F("main", calls={"f"}), F("f", reads={"x"}))
    b = P(T("struct A", "struct A { int i; }"), G("x"), F("main", calls={"f"}), F("f", reads={"x"}))
    cs = compute_changeset(a, b)
    assert cs.counts() == {k: {"added": 0, "deleted": 0, "changed": 0} for k in ("functions", "types", "globals")}


def test_type_closure_is_transitive_and_names_the_dependency():
    old = P(T("struct A", "struct A { int i; }"),
            T("struct B", "struct B { struct A a; }", deps={"struct A"}, by_value={"struct A"}),
            T("typedef C", "typedef struct B C", deps={"struct B"}, by_value={"struct B"}),
            T("struct D", "struct D { C *p; }", deps={"typedef C"}),
            T("struct E", "struct E { int e; }"))
    new = P(T("struct A", "struct A { int i; int j; }"),
            T("struct B", "struct B { struct A a; }", deps={"struct A"}, by_value={"struct A"}),
            T("typedef C", "typedef struct B C", deps={"struct B"}, by_value={"struct B"}),
            T("struct D", "struct D { C *p; }", deps={"typedef C"}),
            T("struct E", "struct E { int e; }"))
    cs = compute_changeset(old, new)
    changed = {c.key for c in cs.with_status(Kind.TYPE, Status.CHANGED)}
    assert changed == {"struct A", "struct B", "typedef C", "struct D"}
    assert "contains changed type struct A" in cs.types["struct B"].reasons
    assert "aliases changed type struct B" in cs.types["typedef C"].reasons
    assert any("typedef C" in r for r in cs.types["struct D"].reasons)
    assert cs.types["struct A"].reasons == ["definition changed"]


def test_system_types_never_change():
    old = P(T("struct stat", "struct stat { int a; }", system=True),
            T("struct W", "struct W { struct stat s; }", deps={"struct stat"}, by_value={"struct stat"}))
    new = P(T("struct stat", "struct stat { long a; }", system=True),
            T("struct W", "struct W { struct stat s; }", deps={"struct stat"}, by_value={"struct stat"}))
    old.types["struct hostent"] = T("struct hostent", "struct hostent { char *h_name; }", system=True)
    new.types["struct tm"] = T("struct tm", "struct tm { int tm_sec; }", system=True)
    cs = compute_changeset(old, new)
    assert status(cs, Kind.TYPE, "struct stat") is Status.UNCHANGED
    assert status(cs, Kind.TYPE, "struct W") is Status.UNCHANGED
    assert status(cs, Kind.TYPE, "struct tm") is Status.UNCHANGED       # a header only v1 includes
    assert status(cs, Kind.TYPE, "struct hostent") is Status.UNCHANGED
    assert "only by the new version" in cs.types["struct tm"].reasons[0]


def test_relation_words_follow_the_declarator():
    ast = CParser().parse("struct A { int i; };"
                          "struct S { struct A a; struct A *p; struct A arr[3]; void (*cb)(struct A); };"
                          "typedef struct A *PA;")
    s = ast.ext[1].type
    assert relation(s.decls[0], "struct A") == "contains"
    assert relation(s.decls[1], "struct A") == "points to"
    assert relation(s.decls[2], "struct A") == "is an array of"
    assert relation(s.decls[3], "struct A") == "uses in a function-pointer type"
    assert relation(s, "struct A") == "contains"   # the strongest use wins
    assert relation(ast.ext[2], "struct A", alias=True) == "points to"
    assert relation(s, "struct Nope") == "refers to"


def test_global_changes_with_its_type_but_not_with_its_initializer():
    old = P(T("struct A", "struct A { int i; }"), G("a", "struct A", {"struct A"}), G("n", init="1"),
            G("msg", "const char *const", init='"v0"', const=True), G("e", extern_only=True))
    new = P(T("struct A", "struct A { long i; }"), G("a", "struct A", {"struct A"}), G("n", init="2"),
            G("msg", "const char *const", init='"v1"', const=True))
    cs = compute_changeset(old, new)
    assert status(cs, Kind.GLOBAL, "a") is Status.CHANGED
    assert any("struct A" in r for r in cs.globals["a"].reasons)
    n = cs.globals["n"]
    assert n.status is Status.UNCHANGED and n.initializer_only
    assert "running value is kept" in n.reasons[0]
    assert status(cs, Kind.GLOBAL, "msg") is Status.CHANGED       # const: nothing running to keep
    assert not cs.globals["msg"].initializer_only
    assert "e" not in cs.globals                                   # extern only: ignored


def test_global_type_text_change():
    cs = compute_changeset(P(G("buf", "char [16]")), P(G("buf", "char [32]")))
    assert status(cs, Kind.GLOBAL, "buf") is Status.CHANGED
    assert "char [16] -> char [32]" in cs.globals["buf"].reasons[0]


def test_function_rules_body_type_global():
    old = P(T("struct A", "struct A { int i; }"), G("a", "struct A", {"struct A"}), G("k"),
            F("body", body="{ return; }"), F("ty", type_deps={"struct A"}), F("gl", reads={"a"}),
            F("gw", writes={"k"}), F("same", reads={"k"}))
    new = P(T("struct A", "struct A { int i; int j; }"), G("a", "struct A", {"struct A"}), G("k"),
            F("body", body="{ return ; /* x */ }"), F("ty", type_deps={"struct A"}), F("gl", reads={"a"}),
            F("gw", writes={"k"}), F("same", reads={"k"}))
    cs = compute_changeset(old, new)
    assert cs.functions["body"].reasons == ["body changed"]
    assert cs.functions["ty"].reasons == ["uses changed type struct A"]
    assert cs.functions["gl"].reasons == ["uses changed global a"]
    assert status(cs, Kind.FUNCTION, "gw") is Status.UNCHANGED
    assert status(cs, Kind.FUNCTION, "same") is Status.UNCHANGED
    assert cs.f2d == {"gl": {"a"}} and cs.d2f == {"a": {"gl"}}


def test_signature_change_is_added_and_promotes_callers():
    old = P(T("struct A", "struct A { int i; }"),
            F("foo", "void foo(struct A *)", sig_type_deps={"struct A"}),
            F("lit", "int lit(int)"), F("bar", calls={"foo"}), F("baz", calls={"lit"}),
            F("tab", addr_taken={"lit"}), F("other", calls={"bar"}))
    new = P(T("struct A", "struct A { int i; int j; }"),
            F("foo", "void foo(struct A *)", sig_type_deps={"struct A"}),
            F("lit", "int lit(long)"), F("bar", calls={"foo"}), F("baz", calls={"lit"}),
            F("tab", addr_taken={"lit"}), F("other", calls={"bar"}))
    cs = compute_changeset(old, new)
    for key in ("foo", "lit"):
        ch = cs.functions[key]
        assert ch.status is Status.ADDED and ch.signature_changed and ch.old is not None
    assert "signature uses changed type struct A" in cs.functions["foo"].reasons
    assert "int lit(int) -> int lit(long)" in cs.functions["lit"].reasons[0]
    assert status(cs, Kind.FUNCTION, "bar") is Status.CHANGED
    assert "calls foo, whose signature changed" in cs.promoted["bar"]
    assert "takes the address of lit" in cs.promoted["tab"]
    assert set(cs.promoted) == {"bar", "baz", "tab"}
    assert status(cs, Kind.FUNCTION, "other") is Status.UNCHANGED   # bar keeps its signature
    assert cs.counts()["functions"] == {"added": 2, "deleted": 0, "changed": 3}


def test_added_and_deleted_everything():
    old = P(T("struct Old", "struct Old { int a; }"), G("gone"), F("dead"))
    new = P(T("struct New", "struct New { int a; }"), G("born"), F("fresh"))
    cs = compute_changeset(old, new)
    assert cs.counts() == {k: {"added": 1, "deleted": 1, "changed": 0} for k in ("functions", "types", "globals")}


def test_static_keys_keep_two_files_apart():
    old = P(G("count@a.c"), G("count@b.c"), F("log@a.c", body="{1}"), F("log@b.c", body="{1}"))
    new = P(G("count@a.c"), G("count@b.c", "long"), F("log@a.c", body="{1}"), F("log@b.c", body="{2}"))
    cs = compute_changeset(old, new)
    assert status(cs, Kind.GLOBAL, "count@a.c") is Status.UNCHANGED
    assert status(cs, Kind.GLOBAL, "count@b.c") is Status.CHANGED
    assert status(cs, Kind.FUNCTION, "log@a.c") is Status.UNCHANGED
    assert status(cs, Kind.FUNCTION, "log@b.c") is Status.CHANGED


def test_statics_of_a_renamed_file_are_paired():
    def prog(file, body):
        a = F(f"parse@{file}", body=body)
        a.file = file
        g = G(f"table@{file}")
        return P(a, g, F("api", calls={f"parse@{file}"}), root=file)
    old, new = prog("ipv6parse.c", "{1}"), prog("ipaddrparse.c", "{1}")
    old.files, new.files = ["ipv6parse.c", "main.c"], ["ipaddrparse.c", "main.c"]
    cs = compute_changeset(old, new)
    assert cs.counts()["functions"] == {"added": 0, "deleted": 0, "changed": 0}
    ch = cs.functions["parse@ipaddrparse.c"]
    assert ch.status is Status.UNCHANGED and ch.old.file == "ipv6parse.c"   # the old symbol's own file
    assert cs.old.functions["api"].calls == {"parse@ipaddrparse.c"}
    assert status(cs, Kind.GLOBAL, "table@ipaddrparse.c") is Status.UNCHANGED


def test_a_file_that_stays_keeps_its_statics_apart():
    a, b = F("parse@a.c"), F("parse@b.c")
    b.file = "b.c"
    old = P(a, b)
    old.files = ["a.c", "b.c"]
    c = F("parse@c.c")
    c.file = "c.c"
    new = P(F("parse@a.c"), c)
    new.files = ["a.c", "c.c"]
    cs = compute_changeset(old, new)
    # b.c went away and c.c came: its static pairs; a.c's stays itself
    assert status(cs, Kind.FUNCTION, "parse@a.c") is Status.UNCHANGED
    assert status(cs, Kind.FUNCTION, "parse@c.c") is Status.UNCHANGED
    assert "parse@b.c" not in cs.functions
