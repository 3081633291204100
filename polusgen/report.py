"""Rendering a ChangeSet: the paper's Table 1 (rich), every entity with -v,
and a stable JSON form for tools.

Table 1 of the paper has one row per entity kind (Functions, Types, Globals)
and columns added / deleted / changed; `render_table` draws exactly that.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Iterable

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from polusgen.model import Change, ChangeSet, Kind, Status, Warning_
from polusgen.output import PipeSafe

JSON_FORMAT = 1
_ROWS = (("Functions", "functions", Kind.FUNCTION), ("Types", "types", Kind.TYPE), ("Globals", "globals", Kind.GLOBAL))
_STYLE = {Status.ADDED: "green", Status.DELETED: "red", Status.CHANGED: "yellow", Status.UNCHANGED: "dim"}


# a report written to a file or a pipe is read by tools and people with wide
# windows: lines as long as they need, names never cut
UNBOUNDED_WIDTH = 10_000


def report_console(stderr: bool = False) -> Console:
    """A console that wraps to the terminal's width, and not at all when the
    output is not a terminal (unless COLUMNS asks for a width)."""
    console = Console(highlight=False, file=PipeSafe(sys.stderr if stderr else sys.stdout))
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = UNBOUNDED_WIDTH
    return console


def render_table(cs: ChangeSet, title: str | None = None) -> Table:
    counts = cs.counts()
    table = Table(title=title)
    table.add_column("")
    for col in ("added", "deleted", "changed"):
        table.add_column(col, justify="right")
    for label, name, _ in _ROWS:
        c = counts[name]
        table.add_row(label, f"+{c['added']}", f"-{c['deleted']}", f"~{c['changed']}")
    return table


def summary_line(cs: ChangeSet) -> str:
    """"functions +1 -0 ~2, types +0 -0 ~2, globals +0 -0 ~1", or "no changes"."""
    counts = cs.counts()
    if not any(n for c in counts.values() for n in c.values()):
        return "no changes"
    return ", ".join(f"{name} +{c['added']} -{c['deleted']} ~{c['changed']}" for name, c in counts.items())


def render_entities(cs: ChangeSet, include_unchanged: bool = False) -> Group:
    parts: list[Any] = []
    for label, _, kind in _ROWS:
        table = Table(title=label, title_justify="left", show_header=True, expand=False)
        table.add_column("status")
        table.add_column("key")
        table.add_column("where")
        table.add_column("reasons")
        for ch in _ordered(cs.section(kind).values()):
            if ch.status is Status.UNCHANGED and not (include_unchanged or ch.initializer_only):
                continue
            status = ch.status.value + (" (signature)" if ch.signature_changed else "")
            ent = ch.entity
            table.add_row(Text(status, style=_STYLE[ch.status]), Text(ch.key),
                          Text(str(ent.coord) if getattr(ent, "coord", None) else ""),
                          Text("; ".join(ch.reasons)))
        parts.append(table)
    if cs.never_left:
        parts.append(Text("never left: " + ", ".join(sorted(cs.never_left))))
    return Group(*parts)


def render_findings(findings: Iterable[Warning_]) -> Group:
    """Warnings in yellow, errors in red (the change set's, the plan's and the emitter's alike)."""
    return Group(*(Text(str(w), style="bold red" if w.is_error else "yellow") for w in findings))


def print_report(cs: ChangeSet, console: Console | None = None, verbose: bool = False,
                 warnings: bool = True) -> None:
    """warnings=False: the caller prints them itself (the patch plan's, which include these)."""
    console = console or report_console()
    console.print(render_table(cs, title=f"{cs.old.root} -> {cs.new.root}"))
    if verbose:
        console.print(render_entities(cs))
        for label, prog in (("old", cs.old), ("new", cs.new)):
            for w in prog.warnings:
                console.print(Text(f"{label}: {w}", style="dim yellow"))
    if cs.warnings and warnings:
        console.print(render_findings(cs.warnings))


_ORDER = {Status.ADDED: 0, Status.DELETED: 1, Status.CHANGED: 2, Status.UNCHANGED: 3}


def _ordered(changes):
    return sorted(changes, key=lambda c: (_ORDER[c.status], c.key))


# ---------------------------------------------------------------- JSON

def _change_json(ch: Change) -> dict:
    ent = ch.entity
    out: dict[str, Any] = {"status": ch.status.value, "reasons": list(ch.reasons)}
    coord = getattr(ent, "coord", None)
    if coord is not None:
        out["file"], out["line"] = coord.file, coord.line
    if ch.kind is Kind.FUNCTION:
        out["signature_changed"] = ch.signature_changed
    if ch.kind is Kind.GLOBAL:
        out["initializer_only"] = ch.initializer_only
    return out


def changeset_to_json(cs: ChangeSet) -> dict:
    """A stable, sorted, JSON-serialisable form of the change set.

    {"format": 1, "old": root, "new": root,
     "counts": {"functions": {"added": n, "deleted": n, "changed": n}, ...},
     "functions"|"types"|"globals": {key: {"status", "reasons", "file", "line",
                                           "signature_changed" | "initializer_only"}},
     "f2d": {function: [globals]}, "d2f": {global: [functions]},
     "promoted": {caller: reason}, "never_left": [keys],
     "warnings": [{"code", "message", "file", "line"}],
     "frontend_warnings": {"old": [...], "new": [...]}}   (what loading each version said)
    """
    def section(kind: Kind) -> dict:
        return {k: _change_json(cs.section(kind)[k]) for k in sorted(cs.section(kind))}

    return {
        "format": JSON_FORMAT,
        "old": str(cs.old.root),
        "new": str(cs.new.root),
        "counts": cs.counts(),
        "functions": section(Kind.FUNCTION),
        "types": section(Kind.TYPE),
        "globals": section(Kind.GLOBAL),
        "f2d": {k: sorted(v) for k, v in sorted(cs.f2d.items())},
        "d2f": {k: sorted(v) for k, v in sorted(cs.d2f.items())},
        "promoted": dict(sorted(cs.promoted.items())),
        "never_left": sorted(cs.never_left),
        "warnings": [_warning_json(w) for w in cs.warnings],
        "frontend_warnings": {"old": [_warning_json(w) for w in cs.old.warnings],
                              "new": [_warning_json(w) for w in cs.new.warnings]},
    }


def _warning_json(w) -> dict:
    return {"code": w.code, "severity": w.severity, "message": w.message,
            "file": w.coord.file if w.coord else None, "line": w.coord.line if w.coord else None}
