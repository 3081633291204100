"""One registration table: the calls of register_patch() and the manifest.

The runtime numbers what a patch registers in call order (old functions,
new functions, data, each from 0), and the injector reads the same ids from
the manifest.  Both are made here, in one walk over the plan, so an id in
the C code and an index in the manifest cannot disagree:

    registration(draft, warnings, skeleton) -> (Manifest, calls)

Each call is a dict rendered by templates/macros.j2 `register`:
    {"op": "old_function", "id", "key", "import_index", "flags"}
    {"op": "new_function", "id", "key", "symbol", "flags"}
    {"op": "map_function", "old", "new"}
    {"op": "data", "id", "key", "old_import", "old_macro", "new_symbol", "sync", "flags"}
    {"op": "f2d", "old", "data"}
A call the runtime cannot honour marks the patch failed, and polus_end_patch
then refuses it: register_patch() does not check each one.
"""
from __future__ import annotations

from typing import Optional

from polusgen.manifest import Data, Import, Manifest, NewFunction, OldFunction, Redirect, UnsafeFinding
from polusgen.model import Warning_
from .draft import Draft


def registration(plan: Draft, warnings: list[Warning_],
                 skeleton: Optional[str] = None) -> tuple[Manifest, list[dict]]:
    """warnings: every warning and error-level finding (polusgen.plan.safety);
    skeleton: the user code skeleton of the findings, named in the manifest."""
    m = Manifest(program=plan.program, name=plan.name, from_version=plan.from_version,
                 to_version=plan.to_version, binary=plan.binary, requires=list(plan.requires),
                 imports=[Import(i.name, i.kind, i.file, i.lib) for i in plan.imports],
                 warnings=[str(w) for w in warnings if not w.is_error],
                 findings=[UnsafeFinding(f.code, f.entity, f.reason, list(f.covers), skeleton,
                                         or_covers=list(f.or_covers))
                           for f in warnings if f.is_error])
    calls: list[dict] = []
    for i, o in enumerate(plan.old_functions):
        m.old_functions.append(OldFunction(o.key, o.import_index, o.never_left))
        calls.append({"op": "old_function", "id": i, "key": o.key, "import_index": o.import_index,
                      "flags": "POLUS_FN_NEVER_LEFT" if o.never_left else "0"})
    for i, n in enumerate(plan.new_functions):
        m.new_functions.append(NewFunction(n.key, n.symbol, n.stub))
        calls.append({"op": "new_function", "id": i, "key": n.key, "symbol": n.symbol,
                      "flags": "POLUS_FN_STUB" if n.stub else "0"})
    for a, b in plan.redirects:
        m.redirects.append(Redirect(a, b))
        calls.append({"op": "map_function", "old": a, "new": b})
    for i, d in enumerate(plan.data):
        m.data.append(Data(d.key, d.old_import, d.new_symbol, d.readonly))
        calls.append({"op": "data", "id": i, "key": d.key, "old_import": d.old_import,
                      "old_macro": plan.imports[d.old_import].macro, "new_symbol": d.new_symbol,
                      "sync": None if d.no_sync else d.base,
                      "flags": "POLUS_DATA_READONLY" if d.readonly or d.no_sync else "0"})
    for a, b in plan.f2d:
        m.f2d.append((a, b))
        calls.append({"op": "f2d", "old": a, "data": b})
    return m, calls
