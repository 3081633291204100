"""The call/use graph: f2d/d2f, never-left functions, version-consistency warnings."""
from __future__ import annotations

from pycparser import CParser

from polusgen import graph
from polusgen.diff import compute_changeset
from polusgen.model import Status

from tests.support.programs import F, G, P


def test_graph_edges_over_both_versions():
    old = P(G("x"), G("e", extern_only=True), F("f", calls={"g", "printf"}, reads={"x"}, writes={"e"}), F("g"))
    new = P(G("x"), F("f", calls={"g"}, writes={"x"}), F("g"))
    g = graph.build_graph(old, new)
    assert g.edges[("old", "function", "f"), ("old", "global", "x")]["uses"] == {"read"}
    assert g.edges[("new", "function", "f"), ("new", "global", "x")]["uses"] == {"write"}
    assert ("old", "global", "e") not in g                     # extern only
    assert graph.callees(g, "old", "f") == {"g"}                 # printf is not a program function
    assert graph.callers(g, "new", "g") == {"f"}


def test_fig4_call_moved_into_callee_warns_twice():
    old = P(F("f", body="{g();h();}", calls={"g", "h"}), F("g", body="{}"), F("h"))
    new = P(F("f", body="{g();}", calls={"g"}), F("g", body="{h();}", calls={"h"}), F("h"))
    cs = compute_changeset(old, new)
    ws = [w for w in cs.warnings if w.code == "version-consistency"]
    assert len(ws) == 1
    assert "h moved from f into its callee g" in ws[0].message and "twice" in ws[0].message
    assert str(ws[0]).startswith("a.c:10: warning[version-consistency]")


def test_fig4_call_moved_up_warns_not_at_all():
    old = P(F("f", body="{g();}", calls={"g"}), F("g", body="{h();}", calls={"h"}), F("h"))
    new = P(F("f", body="{g();h();}", calls={"g", "h"}), F("g", body="{}"), F("h"))
    cs = compute_changeset(old, new)
    ws = [w for w in cs.warnings if w.code == "version-consistency"]
    assert len(ws) == 1 and "does not run at all" in ws[0].message


def test_unrelated_call_changes_do_not_warn():
    old = P(F("f", body="{g();h();}", calls={"g", "h"}), F("g"), F("h"))
    new = P(F("f", body="{g();}", calls={"g"}), F("g"), F("h"))
    cs = compute_changeset(old, new)
    assert not [w for w in cs.warnings if w.code == "version-consistency"]


def _funcs(src: str) -> dict:
    return {e.decl.name: e for e in CParser().parse(src).ext if type(e).__name__ == "FuncDef"}


def test_never_left_main_loops_and_process_enders():
    nodes = _funcs("""
        void die(const char *m) { exit(1); }
        void fatal(int c) { if (c) die("x"); else abort(); }
        void maybe(int c) { if (c) exit(1); }
        void early(int c) { if (c) return; exit(2); }
        void loop(void) { for (;;) work(); }
        void work(void) { }
        void serve(void) { setup(); loop(); }
        void setup(void) { }
        void either(int c) { if (c) loop(); else die("y"); }
        int main(void) { loop(); return 0; }
    """)
    fns = []
    for name, node in nodes.items():
        fn = F(name, loops_forever=name == "loop")
        fn.node = node
        fns.append(fn)
    why = graph.never_left_functions(P(*fns))
    assert why == {"die": "only ever ends the process", "fatal": "only ever ends the process",
                   "loop": "loops forever", "main": "main", "serve": "never returns: it ends in loop",
                   "either": "never returns: it ends in loop"}
    assert not graph.activation_lives_on(why["die"]) and graph.activation_lives_on(why["serve"])


def test_changed_never_left_function_warns():
    old = P(F("main", body="{a();}", calls={"a"}), F("a"), F("ev", body="{for(;;);}", loops_forever=True))
    new = P(F("main", body="{b();}", calls={"b"}), F("b"), F("ev", body="{for(;;)x();}", loops_forever=True))
    cs = compute_changeset(old, new)
    assert cs.never_left == {"main", "ev"}
    nl = {w.message.split()[0] for w in cs.warnings if w.code == "never-left"}
    assert nl == {"main", "ev"}
    assert cs.functions["main"].status is Status.CHANGED
