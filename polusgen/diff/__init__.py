"""Two Programs in, a ChangeSet out (kpatch create-diff-object style).

Every type, global and function of either version is tagged added / deleted /
changed / unchanged with the reasons, in named steps that read top to bottom:

    0. pairing    (polusgen.diff.pairing)    statics of renamed files (old.c <-> new.c)
    1. types      (polusgen.diff.types)      definition text, closed transitively
    2. globals    (polusgen.diff.globals)    type changes; initializer-only changes
    3. functions  (polusgen.diff.functions)  body, types, globals; signature -> added,
                                             callers promoted
    4. inlining   (polusgen.diff.inlining)   with the running binary: callers into
                                             which gcc inlined a changed function;
                  (polusgen.diff.storage)    statics it keeps no storage for
    5. never-left (polusgen.graph)           main, event loops, ... of both versions, once
    6. graph      (polusgen.graph)           f2d / d2f, written globals, warnings
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from polusgen.model import ChangeSet, Program

if TYPE_CHECKING:
    from polusgen.versionfile import VersionFile

from .functions import diff_functions
from .pairing import pair_files
from .globals import changed_global_keys, diff_globals
from .types import changed_type_keys, diff_types

__all__ = ["compute_changeset"]


def compute_changeset(old: Program, new: Program, binary: Optional[Path] = None,
                      version_file: Optional[VersionFile] = None) -> ChangeSet:
    """With `binary`, what gcc inlined is read from it; and with the chain's
    `version_file`, from the earlier patch library each function's live
    version is in (see diff.inlining)."""
    from polusgen import graph

    # 0. pair the files of the two versions (two single files: old.c <-> new.c)
    old = pair_files(old, new)
    # 1. types, closed transitively
    types = diff_types(old, new)
    changed_types = changed_type_keys(types)
    # 2. globals
    globals_ = diff_globals(old, new, changed_types)
    changed_globals = changed_global_keys(globals_)
    # 3. functions, with the callers of signature-changed ones promoted
    functions, promoted = diff_functions(old, new, changed_types, changed_globals)
    cs = ChangeSet(old=old, new=new, types=types, globals=globals_, functions=functions, promoted=promoted,
                   changed_types=frozenset(changed_types), changed_globals=frozenset(changed_globals))
    # 4. the functions never left in either version (inlining, the graph and the plan read them)
    graph.find_never_left(cs)
    # 5. what gcc inlined into what, read from the running binary
    missing: list = []
    if binary is not None:
        from .inlining import homes_from_version_file, promote_inlined

        from .storage import own_unstored_statics

        homes, missing = homes_from_version_file(version_file, old) if version_file else ({}, [])
        promote_inlined(cs, Path(binary), homes)
        own_unstored_statics(cs, Path(binary), version_file)
    # 6. the call/use graph: f2d, d2f, written globals, warnings
    graph.annotate(cs)
    cs.warnings.extend(missing)
    return cs
