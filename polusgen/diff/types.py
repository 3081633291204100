"""Step 1: types, closed transitively.

A type is *changed* when its canonical definition text differs, or when any
type it contains, points to, is an array of, aliases or uses in a
function-pointer type is changed.  The closure runs over the dependencies of
both versions, so a dependency dropped in the new version still counts (its
text changed anyway).  System types (fake libc headers) never change: their
text is whatever the fake headers say, not what the program was built with;
one that only one version's headers declare (a newly included header) is not
a program type that was added or deleted either: it stays unchanged.
"""
from __future__ import annotations

from collections import defaultdict, deque

from polusgen.model import Change, Kind, Program, Status, TypeEntity

from .relations import relation, phrase


def _is_system(old: TypeEntity | None, new: TypeEntity | None) -> bool:
    return bool((old is not None and old.system) or (new is not None and new.system))


def diff_types(old: Program, new: Program) -> dict[str, Change]:
    changes: dict[str, Change] = {}
    # 1a. tag every type with its twin: added / deleted / same key
    for key in sorted(set(old.types) | set(new.types)):
        o, n = old.types.get(key), new.types.get(key)
        if (o is None or n is None) and _is_system(o, n):
            # a system header included by one version only: nothing of the program's changed
            where = "new" if o is None else "old"
            changes[key] = Change(Kind.TYPE, key, Status.UNCHANGED,
                                  [f"system type, declared only by the {where} version's headers"], o, n)
        elif o is None:
            changes[key] = Change(Kind.TYPE, key, Status.ADDED, ["new type"], None, n)
        elif n is None:
            changes[key] = Change(Kind.TYPE, key, Status.DELETED, ["type removed"], o, None)
        elif _is_system(o, n):
            changes[key] = Change(Kind.TYPE, key, Status.UNCHANGED, ["system type"], o, n)
        elif o.text != n.text:
            changes[key] = Change(Kind.TYPE, key, Status.CHANGED, ["definition changed"], o, n)
        else:
            changes[key] = Change(Kind.TYPE, key, Status.UNCHANGED, [], o, n)

    # 1b. transitive closure: whoever refers to a changed type is changed
    users: dict[str, set[str]] = defaultdict(set)
    for key, ch in changes.items():
        if ch.status not in (Status.CHANGED, Status.UNCHANGED) or _is_system(ch.old, ch.new):
            continue
        for dep in ch.old.deps | ch.new.deps:
            if dep != key:
                users[dep].add(key)

    work = deque(k for k, c in changes.items() if c.status is Status.CHANGED)
    while work:
        dep = work.popleft()
        for user in sorted(users.get(dep, ())):
            ch = changes[user]
            reason = _dependency_reason(ch, dep)
            if reason not in ch.reasons:
                ch.reasons.append(reason)
            if ch.status is Status.UNCHANGED:
                ch.status = Status.CHANGED
                work.append(user)
    return changes


def _dependency_reason(ch: Change, dep: str) -> str:
    ent: TypeEntity = ch.new
    node = ent.node
    rel = relation(node, dep, alias=ent.kind == "typedef")
    if rel == "refers to" and ch.old is not None:
        rel = relation(ch.old.node, dep, alias=ent.kind == "typedef")
    if rel == "refers to" and dep in (ent.deps_by_value | ch.old.deps_by_value):
        rel = "aliases" if ent.kind == "typedef" else "contains"
    if rel == "is an array of" and ent.kind in ("struct", "union"):
        rel = "contains an array of"
    return phrase(rel, "changed type", dep)


def changed_type_keys(changes: dict[str, Change]) -> set[str]:
    """Types whose old and new layouts or meanings differ (added/deleted ones
    are not in here: nothing that existed before can use an added type
    without its own text changing)."""
    return {k for k, c in changes.items() if c.status is Status.CHANGED}
