"""Step 0: pair the translation units of the two versions.

Static entities are keyed "name@file", files relative to the version root,
so the same file in both versions pairs by itself.  Two things move statics
between files without changing them, and would otherwise show as deleted +
added:

* comparing two single files (`polusgen diff old.c new.c`): old.c is new.c;
* a file renamed between releases (vsftpd 2.0.x: ipv6parse.c -> ipaddrparse.c).

A static `name@f` of the old version whose file f is gone is paired with the
new version's `name@g` when g is a file the old version did not have and it is
the only new-file static of that name.  The old entity is re-keyed onto the
new key; it keeps its own `file` (the injector finds the old symbol by it).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from polusgen.model import Program, split_key


def renamed_statics(old: Program, new: Program) -> dict[str, str]:
    """old static key -> new static key, for statics whose file was renamed."""
    gone = set(old.files) - set(new.files)
    fresh = set(new.files) - set(old.files)
    if not gone or not fresh:
        return {}
    out: dict[str, str] = {}
    for section in ("functions", "globals"):
        candidates: dict[str, list[str]] = defaultdict(list)
        for key in getattr(new, section):
            name, file = split_key(key)
            if file in fresh:
                candidates[name].append(key)
        for key in getattr(old, section):
            name, file = split_key(key)
            if file in gone and len(candidates.get(name, ())) == 1:
                target = candidates[name][0]
                if target not in getattr(old, section):
                    out[key] = target
    return out


def pair_files(old: Program, new: Program) -> Program:
    """`old`, with the keys of statics in renamed files moved onto the new names."""
    moved = renamed_statics(old, new)
    if not moved:
        return old

    def rekey_all(keys: set[str]) -> set[str]:
        return {moved.get(k, k) for k in keys}

    out = dataclasses.replace(old)
    out.globals = {moved.get(k, k): dataclasses.replace(g, key=moved.get(k, k)) for k, g in old.globals.items()}
    out.functions = {
        moved.get(k, k): dataclasses.replace(f, key=moved.get(k, k), calls=rekey_all(f.calls),
                                             reads=rekey_all(f.reads), writes=rekey_all(f.writes),
                                             addr_taken=rekey_all(f.addr_taken))
        for k, f in old.functions.items()}
    return out

