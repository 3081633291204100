"""The report: Table 1 layout, verbose lists, and the JSON form (no frontend needed)."""
from __future__ import annotations

import json

from rich.console import Console

from polusgen.diff import compute_changeset
from polusgen.report import changeset_to_json, print_report

from tests.support.programs import F, G, P, T


def fig2_like():
    old = P(T("struct A", "struct A { int i; }"), G("n", init="1"), G("ab", "struct A", {"struct A"}),
            F("foo", "void foo(struct A *)", sig_type_deps={"struct A"}), F("bar", calls={"foo"}, reads={"ab"}),
            F("gone"), F("main", body="{x}"))
    new = P(T("struct A", "struct A { int i; int j; }"), G("n", init="2"), G("ab", "struct A", {"struct A"}),
            F("foo", "void foo(struct A *)", sig_type_deps={"struct A"}), F("bar", calls={"foo"}, reads={"ab"}),
            F("main", body="{y}"), F("fresh"))
    return compute_changeset(old, new)


def render(cs, verbose):
    con = Console(record=True, width=200, highlight=False)
    print_report(cs, con, verbose=verbose)
    return con.export_text()


def test_table_rows_and_columns():
    text = render(fig2_like(), verbose=False)
    lines = {ln.split()[1]: [c for c in ln.split() if c not in "│┃"][1:] for ln in text.splitlines()
             if len(ln.split()) > 1 and ln.split()[1] in ("Functions", "Types", "Globals")}
    assert lines == {"Functions": ["+2", "-1", "~2"], "Types": ["+0", "-0", "~1"], "Globals": ["+0", "-0", "~1"]}
    header = next(ln for ln in text.splitlines() if "added" in ln)
    assert header.index("added") < header.index("deleted") < header.index("changed")
    assert "definition changed" not in text                  # reasons only with -v
    assert "warning[never-left]" in text                     # warnings always


def test_verbose_lists_every_change_with_its_reason():
    from polusgen.model import Coord, Warning_

    cs = fig2_like()
    cs.new.warnings.append(Warning_("type-conflict", "struct S reads differently in a.c than in b.c", Coord("s.h", 3)))
    text = render(cs, verbose=True)
    assert "new: s.h:3: warning[type-conflict]" in text
    assert changeset_to_json(cs)["frontend_warnings"]["new"][0]["code"] == "type-conflict"
    assert "added (signature)" in text and "signature uses changed type struct A" in text
    assert "calls foo, whose signature changed" in text
    assert "running value is kept" in text                   # initializer-only change is listed
    assert "fresh" in text and "gone" in text


def test_json_is_stable_and_complete():
    a, b = changeset_to_json(fig2_like()), changeset_to_json(fig2_like())
    assert json.dumps(a) == json.dumps(b)
    assert list(a["functions"]) == sorted(a["functions"])
    assert a["counts"]["functions"] == {"added": 2, "deleted": 1, "changed": 2}
    assert a["functions"]["foo"] == {"status": "added", "file": "a.c", "line": 10, "signature_changed": True,
                                     "reasons": ["signature uses changed type struct A",
                                                 "added under a new name; old callers keep the old one"]}
    assert a["globals"]["n"]["initializer_only"] is True and a["globals"]["n"]["status"] == "unchanged"
    assert a["f2d"] == {"bar": ["ab"]} and a["d2f"] == {"ab": ["bar"]}
    assert a["promoted"] == {"bar": "calls foo, whose signature changed (added under a new name)"}
    assert a["never_left"] == ["main"]
    assert a["warnings"][0]["code"] == "never-left" and a["warnings"][0]["line"] == 10
