"""Step 2: globals.

Only definitions count: a global seen only through `extern` declarations
(defined in a library or outside the program) is ignored in both versions.

* changed  : its declared type text differs, or a type it uses changed
             (reason names the type and how the global reaches it), or it
             is an array sized by its initializer (`T x[] = {...}`) whose
             element count changed: the type text says `[]` both times but
             the object grew or shrank.
* initializer only: the type is the same but the initial value differs.
  The running value wins (the process has been writing to it since it
  started), so the global stays UNCHANGED with `initializer_only=True` and
  a reason that says so; no new copy, no sync.
  Exception: a `const` global has no running state to keep, and new code
  must see the new constant, so a const global whose initializer changed is
  CHANGED (a new copy with the new value; never written, never synced).
"""
from __future__ import annotations

from typing import Optional

from polusgen.csyntax.arrays import designators, implied_length
from polusgen.model import Change, GlobalEntity, Kind, Program, Status

from .relations import phrase, relation


def defined_globals(prog: Program) -> dict[str, GlobalEntity]:
    return {k: g for k, g in prog.globals.items() if not g.extern_only}


def _short(text: str | None, limit: int = 40) -> str:
    if text is None:
        return "(none)"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def diff_globals(old: Program, new: Program, changed_types: set[str]) -> dict[str, Change]:
    old_g, new_g = defined_globals(old), defined_globals(new)
    changes: dict[str, Change] = {}
    for key in sorted(set(old_g) | set(new_g)):
        o, n = old_g.get(key), new_g.get(key)
        if o is None:
            changes[key] = Change(Kind.GLOBAL, key, Status.ADDED, ["new global"], None, n)
            continue
        if n is None:
            changes[key] = Change(Kind.GLOBAL, key, Status.DELETED, ["global removed"], o, None)
            continue
        reasons: list[str] = []
        if o.type_text != n.type_text:
            reasons.append(f"type changed: {o.type_text} -> {n.type_text}")
        for dep in sorted((o.type_deps | n.type_deps) & changed_types):
            rel = relation(getattr(n.node, "type", None), dep)
            rel = {"contains": "has", "refers to": "depends on"}.get(rel, rel)
            reasons.append(phrase(rel, "changed type", dep))
        o_len, n_len = implied_length(o.node), implied_length(n.node)
        if not reasons and o_len != n_len:
            reasons.append(f"array size changed: {_count(o_len)} -> {_count(n_len)} elements "
                           "(sized by its initializer)")
        elif not reasons and o_len is None and designators(o.node) != designators(n.node):
            reasons.append("array size may have changed: sized by an initializer whose designators changed")
        init_changed = o.init_text != n.init_text
        ch = Change(Kind.GLOBAL, key, Status.CHANGED if reasons else Status.UNCHANGED, reasons, o, n)
        if init_changed:
            what = f"initializer changed: {_short(o.init_text)} -> {_short(n.init_text)}"
            if reasons:
                ch.reasons.append(what)
            elif o.const and n.const:
                ch.status = Status.CHANGED
                ch.reasons.append(what + " (const: no running state, new code gets the new value)")
            else:
                ch.initializer_only = True
                ch.reasons.append(what + " (the running value is kept)")
        changes[key] = ch
    return changes


def _count(n: Optional[int]) -> str:
    return "an unknown number of" if n is None else str(n)


def changed_global_keys(changes: dict[str, Change]) -> set[str]:
    return {k for k, c in changes.items() if c.status is Status.CHANGED}
