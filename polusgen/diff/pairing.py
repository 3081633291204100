"""Step 0: pair the translation units of the two versions.

Static entities are keyed "name@file".  Files are paired by their path
relative to the version root, so a tree diff needs nothing; but comparing two
single files (`polusgen diff old.c new.c`) pairs `old.c` with `new.c`, and the
old program's static keys are renamed to the new file so that `count@old.c`
and `count@new.c` meet.  Entities keep their own `file` (the injector finds
the old symbol by it); only keys and the key sets that refer to them change.
"""
from __future__ import annotations

import dataclasses

from polusgen.model import Program, split_key, static_key


def pair_files(old: Program, new: Program) -> Program:
    """`old`, with static keys renamed onto the new version's file names."""
    if len(old.files) != 1 or len(new.files) != 1 or old.files == new.files:
        return old
    src, dst = old.files[0], new.files[0]

    def rekey(key: str) -> str:
        name, file = split_key(key)
        return static_key(name, dst) if file == src else key

    def rekey_all(keys: set[str]) -> set[str]:
        return {rekey(k) for k in keys}

    out = dataclasses.replace(old)
    out.globals = {rekey(k): dataclasses.replace(g, key=rekey(k)) for k, g in old.globals.items()}
    out.functions = {
        rekey(k): dataclasses.replace(f, key=rekey(k), calls=rekey_all(f.calls), reads=rekey_all(f.reads),
                                      writes=rekey_all(f.writes), addr_taken=rekey_all(f.addr_taken))
        for k, f in old.functions.items()}
    return out
