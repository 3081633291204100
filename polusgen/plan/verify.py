"""Step 6 of make_plan, in kpatch_verify_patchability's place: the Draft is
spelled, synchronized, analysed and checked in one step, and comes out as the
frozen PatchPlan the emitter renders.

    verify(draft, user_code, skeleton) -> PatchPlan

The order matters: new code first (it decides which imports and types are
needed), then the sync functions (what they skip is what the findings are
about), then what the code and the sync functions use (import macros, extern
declarations, types), then the warnings, and last the registration table,
which numbers what is registered.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

from polusgen.manifest import Binary, Manifest, NewFunction, OldFunction
from polusgen.model import ChangeSet, Warning_
from polusgen.transfer.emit import transfer_items

from .draft import DataPlan, Draft, ImportPlan, NewFunctionPlan, OldFunctionPlan, StubPlan, sanitize
from .prologue import build_prologue
from .registration import registration
from .rename import pointer_to
from .safety import find_unsafe, mark_covered, pre_update_hooks, without_replaced
from .spell import PatchWriter, completed_type
from .sync import SyncBuilder
from .usercode import kept_generated, user_functions, user_old_refs


@dataclass(frozen=True)
class PatchPlan:
    """Everything the patch holds, read only.  `spelled`: the patch's items as
    C text and sync operations (the templates' context, polusgen.emit)."""
    cs: ChangeSet                              # what it was made from (the version file seeds from cs.old)
    program: str
    name: str
    from_version: int
    to_version: int
    requires: tuple[str, ...]
    binary: Binary
    suffix: str
    symbols: Mapping[tuple[str, str], str]     # ("function"|"global", new key) -> symbol in this patch
    emitted_functions: tuple[str, ...]         # new keys, in order
    emitted_globals: tuple[str, ...]
    imports: tuple[ImportPlan, ...]
    old_functions: tuple[OldFunctionPlan, ...]
    new_functions: tuple[NewFunctionPlan, ...]
    redirects: tuple[tuple[int, int], ...]
    data: tuple[DataPlan, ...]
    f2d: tuple[tuple[int, int], ...]
    stubs: tuple[StubPlan, ...]
    warnings: tuple[Warning_, ...]             # the error-level findings first
    heap_types: tuple[str, ...]                # changed structs whose heap objects are traced
    version_records: Mapping[str, Mapping[str, Optional[tuple[str, bool]]]]
    manifest_json: str
    spelled: Mapping[str, Any]

    def symbol(self, kind: str, key: str) -> Optional[str]:
        return self.symbols.get((kind, key))

    @property
    def errors(self) -> list:
        """The error-level findings (polusgen.plan.safety.Finding): state the patch cannot carry."""
        return [w for w in self.warnings if w.is_error]

    @property
    def manifest(self) -> Manifest:
        """The manifest (a copy: changing it changes nothing of the plan)."""
        return Manifest.from_json(self.manifest_json)


def frozen(value: Any) -> Any:
    """A read-only copy: dicts become mapping proxies, lists and tuples tuples,
    sets frozensets, dataclasses mapping proxies of their fields (frozen ones
    stay as they are)."""
    if isinstance(value, (dict, MappingProxyType)):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if is_dataclass(value) and not isinstance(value, type) and not value.__dataclass_params__.frozen:
        return MappingProxyType({f.name: frozen(getattr(value, f.name)) for f in fields(value)})
    return value


# ---------------------------------------------------------------- the steps

def verify(draft: Draft, user_code: Optional[Path], skeleton: Optional[Path]) -> PatchPlan:
    w = PatchWriter(draft, user_functions(user_code), str(Path(user_code).resolve()) if user_code else None)
    code = spell_code(draft, w, user_code)
    transfers, transfer_records, back_records = transfer_items(w, draft.cs) if draft.cs.transfers else ([], [], [])
    earlier = _import_earlier_entries(draft, transfer_records)
    sb = SyncBuilder(w)
    stub_fallbacks(code["stubs"], sb)
    data = sync_data(draft, w, sb)
    w.heap_analysis(sb)
    errors = mark_covered(find_unsafe(draft, sb, w), user_code)
    declarations = spell_declarations(w)
    warnings = errors + without_replaced(list(draft.warnings) + sb.warnings + w.warnings, errors)
    manifest, calls = registration(draft, warnings, str(skeleton) if skeleton is not None else None)
    manifest.transfers = transfer_records
    manifest.back_transfers = back_records
    for t in transfer_records:       # a rollback waits for the activations running them (they move back)
        calls.append({"op": "new_function", "id": len(manifest.new_functions), "key": t.function,
                      "symbol": t.resume, "flags": "0"})
        manifest.new_functions.append(NewFunction(t.function, t.resume))
    # an earlier patch's resume entries are old code of their function: this
    # update waits for them as for it (never left), and keeps its data synchronized
    old_index = {o.name: i for i, o in enumerate(manifest.old_functions)}
    for fn, idx in earlier:
        i = len(manifest.old_functions)
        manifest.old_functions.append(OldFunction(fn, idx, True))
        calls.append({"op": "old_function", "id": i, "key": fn, "import_index": idx, "flags": "POLUS_FN_NEVER_LEFT"})
        for a, b in list(manifest.f2d):
            if a == old_index.get(fn):
                manifest.f2d.append((i, b))
                calls.append({"op": "f2d", "old": i, "data": b})
    spelled = {**code, "transfers": transfers, **declarations, **_prologue(draft, sb), "data": data,
               "converters": list(sb.converters.values()), "heap": list(sb.heap.values()),
               "overrides": [o[len("polus_"):] for o in w.overrides],
               "user_hooks": _user_hooks(errors, sb), "user_code": w.user_code, "user_names": w.user_names,
               "user_keeps": kept_generated(user_code) if user_code else [],
               "registration": calls, "counts": draft.cs.counts(),
               "ident": sanitize(draft.name)}
    return _freeze(draft, warnings, sb, data, manifest, spelled)


def _import_earlier_entries(draft: Draft, records) -> list[tuple[str, int]]:
    """(function key, import index) of each resume entry of an earlier patch
    that a transfer point of this one is in (imported from that patch)."""
    out = []
    for lib, within, fn in sorted({(t.lib, t.within, t.function) for t in records if t.lib}):
        draft.imports.append(ImportPlan("function", f"{fn} ({within})", within, None, lib, f"POLUS_OLD_{within}"))
        out.append((fn, len(draft.imports) - 1))
    return out


def spell_code(draft: Draft, w: PatchWriter, user_code: Optional[Path]) -> dict:
    """New and changed functions, what the user code imports, new globals,
    stubs and private copies of inlined-away functions: imports grow here."""
    functions = [w.function_item(k) for k in draft.emitted_functions]
    for name in user_old_refs(user_code) if user_code else []:
        w.user_import(name)
    globals_ = [w.global_item(k) for k in draft.emitted_globals]
    stubs = [w.stub_item(s) for s in draft.stubs]
    copies = w.copy_items()
    return {"functions": functions, "globals": globals_, "stubs": stubs, "copies": copies,
            "runtime_inits": [g["runtime_init"] for g in globals_ if g["runtime_init"]]}


def stub_fallbacks(stubs: list[dict], sb: SyncBuilder) -> None:
    """The copy in and out of a stub's argument that has no counterpart (an
    object on a stack): new code is given a copy, never NULL."""
    for s in stubs:
        for f in s["fallbacks"]:
            owner = ("stub", s["key"])
            old_t, new_t, coord = f.pop("old_t"), f.pop("new_t"), f.pop("coord")
            f["o2n"] = sb.object_ops("o2n", f"polus_copy_{f['name']}", f"(*{f['name']})", old_t, new_t, owner, coord)
            f["n2o"] = sb.object_ops("n2o", f"(*({f['old_ptr']}){f['name']})", f"polus_copy_{f['name']}",
                                     old_t, new_t, owner, coord)


def sync_data(draft: Draft, w: PatchWriter, sb: SyncBuilder) -> list[dict]:
    """The old->new and new->old operations of every changed global, its
    pointer spellings, and whether it reaches heap objects of changed types."""
    out = []
    for d in draft.data:
        ch = draft.cs.globals[d.key]
        old_t, new_t = completed_type(ch.old.node), completed_type(ch.new.node)
        o2n = [] if d.no_sync else sb.global_ops("o2n", old_t, new_t, d.key, ch.new.coord)
        n2o = [] if d.no_sync else sb.global_ops("n2o", old_t, new_t, d.key, ch.new.coord)
        new_p, old_p = pointer_to(w.named_type("new", d.key, new_t)), pointer_to(w.named_type("old", d.key, old_t))
        out.append({
            "key": d.key, "base": d.base, "new_symbol": d.new_symbol, "old_import": d.old_import,
            "old_macro": draft.imports[d.old_import].macro, "readonly": d.readonly, "no_sync": d.no_sync,
            "coord": str(ch.new.coord), "reasons": ch.reasons, "o2n": o2n, "n2o": n2o,
            "new_ptr_d": w.spell("new", new_p, "d"), "new_ptr_s": w.spell("new", new_p, "s"),
            "old_ptr_d": w.spell("old", old_p, "d"), "old_ptr_s": w.spell("old", old_p, "s"),
        })
        if not d.no_sync:
            w.override(f"polus_o2n_{d.base}")
            w.override(f"polus_n2o_{d.base}")
    for conv in sb.converters.values():
        w.override(conv.name)
    for i, (item, d) in enumerate(zip(out, draft.data)):
        item["heap"] = _reach_heap(item["o2n"], sb)
        draft.data[i] = replace(d, heap=item["heap"])
    return out


def spell_declarations(w: PatchWriter) -> dict:
    """What the code and the sync functions use, declared: import macros,
    extern declarations, types (and the struct tags they name)."""
    import_macros = w.import_macros()
    externs = w.extern_items()
    types = w.type_items()
    return {"import_macros": import_macros, "externs": externs, "types": types, "tags": sorted(w.tags),
            "anon_types": list(w.anon_types.values()), "n_imports": len(w.plan.imports)}


def _prologue(draft: Draft, sb: SyncBuilder) -> dict:
    defines, includes = build_prologue(draft.cs.new, draft.cs.old)
    if sb.heap and "stdint.h" not in {h["header"] for h in includes}:   # uintptr_t in the heap tracing code
        includes.append({"header": "stdint.h", "before": []})
    return {"defines": defines, "includes": includes, "cflags": list(draft.cs.new.cflags)}


def _user_hooks(errors: list, sb: SyncBuilder) -> list[str]:
    """The user functions the pre-update callback calls (an aliased heap type's has its own call)."""
    aliased = {f"heap_{h.ident}" for h in sb.heap.values() if h.aliased}
    return [u for u in pre_update_hooks(errors) if u not in aliased]


def _reach_heap(ops, sb: SyncBuilder, seen=None) -> bool:
    seen = seen if seen is not None else set()
    for op in ops:
        if op["op"] == "ptr":
            return True
        if op["op"] in ("loop",) and _reach_heap(op["body"], sb, seen):
            return True
        if op["op"] == "members" and _reach_heap(op["ops"], sb, seen):
            return True
        if op["op"] == "call":
            for conv in sb.converters.values():
                if f"POLUS_SEL_{conv.name[len('polus_'):]}" == op["fn"] and conv.name not in seen:
                    seen.add(conv.name)
                    if _reach_heap(conv.ops, sb, seen):
                        return True
    return False


def _freeze(draft: Draft, warnings: list, sb: SyncBuilder, data: list, manifest: Manifest,
            spelled: dict) -> PatchPlan:
    return PatchPlan(
        cs=draft.cs, program=draft.program, name=draft.name, from_version=draft.from_version,
        to_version=draft.to_version, requires=tuple(draft.requires), binary=draft.binary, suffix=draft.suffix,
        symbols=MappingProxyType(dict(draft.symbols)), emitted_functions=tuple(draft.emitted_functions),
        emitted_globals=tuple(draft.emitted_globals),
        imports=tuple(draft.imports), old_functions=tuple(draft.old_functions),
        new_functions=tuple(draft.new_functions), redirects=tuple(draft.redirects), data=tuple(draft.data),
        f2d=tuple(draft.f2d), stubs=tuple(draft.stubs), warnings=tuple(warnings), heap_types=tuple(sorted(sb.heap)),
        version_records=frozen(draft.version_records()), manifest_json=manifest.to_json(),
        spelled=frozen(spelled))
