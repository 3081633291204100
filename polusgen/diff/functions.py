"""Step 3: functions.

* added / deleted : the key exists in one version only.
* signature changed: the canonical signature text differs, or a type in the
  return/parameter types changed.  The new version is a different function
  (paper §3.1.1): it is ADDED under a new name (`signature_changed=True`)
  and old callers keep calling the old one.
* changed : the body text differs, or it uses a changed type or a changed
  global, or it calls (or takes the address of) a function whose signature
  changed: such callers are *promoted* so that their new version calls the
  new function.
"""
from __future__ import annotations

from polusgen.model import Change, FunctionEntity, Kind, Program, Status


def diff_functions(old: Program, new: Program, changed_types: set[str],
                   changed_globals: set[str]) -> tuple[dict[str, Change], dict[str, str]]:
    """Returns the changes and the promoted callers (caller key -> reason)."""
    changes: dict[str, Change] = {}
    for key in sorted(set(old.functions) | set(new.functions)):
        o, n = old.functions.get(key), new.functions.get(key)
        if o is None:
            changes[key] = Change(Kind.FUNCTION, key, Status.ADDED, ["new function"], None, n)
        elif n is None:
            changes[key] = Change(Kind.FUNCTION, key, Status.DELETED, ["function removed"], o, None)
        else:
            changes[key] = _compare(key, o, n, changed_types, changed_globals)

    promoted = promote_callers(changes)
    return changes, promoted


def _compare(key: str, o: FunctionEntity, n: FunctionEntity, changed_types: set[str],
             changed_globals: set[str]) -> Change:
    ch = Change(Kind.FUNCTION, key, Status.UNCHANGED, [], o, n)
    sig_types = sorted((o.sig_type_deps | n.sig_type_deps) & changed_types)
    if o.signature_text != n.signature_text:
        ch.reasons.append(f"signature changed: {o.signature_text} -> {n.signature_text}")
    for t in sig_types:
        ch.reasons.append(f"signature uses changed type {t}")
    if ch.reasons:
        ch.status, ch.signature_changed = Status.ADDED, True
        ch.reasons.append("added under a new name; old callers keep the old one")
    if o.body_text != n.body_text:
        ch.reasons.append("body changed")
    for t in sorted(((o.type_deps | n.type_deps) & changed_types) - set(sig_types)):
        ch.reasons.append(f"uses changed type {t}")
    for g in sorted((o.reads | o.writes | n.reads | n.writes) & changed_globals):
        ch.reasons.append(f"uses changed global {g}")
    if ch.reasons and ch.status is Status.UNCHANGED:
        ch.status = Status.CHANGED
    return ch


def promote_callers(changes: dict[str, Change]) -> dict[str, str]:
    """Every function present in both versions that calls or takes the
    address of a signature-changed function becomes changed."""
    renamed = {k for k, c in changes.items() if c.signature_changed}
    promoted: dict[str, str] = {}
    for key, ch in changes.items():
        if ch.old is None or ch.new is None:
            continue
        uses = {}
        for ent in (ch.old, ch.new):
            for callee in ent.calls & renamed:
                uses.setdefault(callee, "calls")
            for callee in ent.addr_taken & renamed:
                uses.setdefault(callee, "takes the address of")
        for callee in sorted(uses):
            if callee == key:
                continue
            reason = f"{uses[callee]} {callee}, whose signature changed (added under a new name)"
            ch.reasons.append(reason)
            if not ch.signature_changed:
                promoted.setdefault(key, reason)
            if ch.status is Status.UNCHANGED:
                ch.status = Status.CHANGED
    return promoted
