"""ChangeSet + version file -> PatchPlan: everything the patch holds, named,
spelled and checked before a line of it is rendered.

    make_plan(cs, *, version_file=None, program=None, binary=None, user_code=None,
              skeleton=None) -> PatchPlan

Like kpatch's create-diff-object, make_plan is a sequence of named steps:

    0. binary.py         the running binary's identity and function symbols
    1. name_types        the new version of a changed type and its enumerators get `_vN`
    2. name_definitions  the functions and globals the patch defines, unique base names
    3. plan_data         changed globals: old copy imported, new copy here, read-only / no sync
    4. plan_stubs        signature-changed functions that never-left functions call
    5. plan_functions    old functions registered and redirected, new ones, f2d
    6. verify            (verify.py, kpatch_verify_patchability's place) every reference
                         spelled (imports grow), sync operations, heap and cast analysis,
                         merged type views, every warning and error-level finding
                         (safety.py), the registration table and the manifest

Steps 1-5 work on a Draft (draft.py); step 6 returns the PatchPlan, frozen:
assigning to it, or appending to what it holds, is an error.  The emitter
(polusgen.emit) only renders it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from polusgen.model import ChangeSet
from polusgen.versionfile import VersionFile

from .binary import binary_function_symbols, binary_identity
from .draft import (DataPlan, ImportPlan, NewFunctionPlan, OldFunctionPlan, StubPlan, inlined_away, name_definitions,
                    name_types, new_draft, plan_data, plan_functions, plan_stubs, sanitize, short_in_binary,
                    unique_base)
from .verify import PatchPlan, verify

__all__ = ["make_plan", "PatchPlan", "ImportPlan", "OldFunctionPlan", "NewFunctionPlan", "DataPlan", "StubPlan",
           "sanitize", "unique_base", "inlined_away", "short_in_binary"]


def make_plan(cs: ChangeSet, *, version_file: Optional[VersionFile] = None, program: Optional[str] = None,
              binary: Optional[Path] = None, user_code: Optional[Path] = None,
              skeleton: Optional[Path] = None) -> PatchPlan:
    """binary: the running program's executable (None: unknown).  A changed
    static function with no symbol in it was inlined into its callers, and a
    changed function whose code is shorter than a jump cannot take one (the
    diff promoted the callers of both): there is nothing to redirect, so it is
    not imported.
    user_code: the user's C file (templates/USER_CODE.md); skeleton: where
    `polusgen diff` writes the user code skeleton of the findings (named in
    the manifest for the messages of build and apply)."""
    vf = version_file or VersionFile(program=program or "")
    program = program or vf.program or Path(cs.new.root).name.rsplit(".", 1)[0] or "program"
    symbols = binary_function_symbols(binary) if binary is not None else None
    draft = new_draft(cs, vf, program, binary_identity(binary), symbols)
    name_types(draft)
    name_definitions(draft)
    plan_data(draft, cs.written_globals)
    plan_stubs(draft)
    plan_functions(draft)
    draft.warnings.extend(cs.warnings)       # version consistency, never-left, ... (the diff's and the graph's)
    return verify(draft, user_code, skeleton)
