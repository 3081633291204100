"""The plan while it is made: names, imports, registrations (steps 1-5 of
polusgen.plan), then grown by the verification step (verify.py) as it spells
the patch's code.  Nothing outside polusgen.plan sees a Draft.

* N = the global version after this patch (version file version + 1); every
  new name gets `_vN` (v0->v1: foo_v1; the 3rd patch of a chain: foo_v3).
  Static symbols whose name is not unique in the program get their file in
  the name (bump@b.c -> bump_b_c_v1); they become exported symbols.
* the old side of a symbol is the program's own (name, and source file for
  statics) unless the version file says its current version lives in an
  earlier patch (foo_v2 in "prog-v2").
* old functions registered: every changed function (redirected to its new
  version), every signature-changed one that uses changed data (f2d) or is
  called from a never-left function (then redirected to a stub with the old
  prototype, paper §5.1.1), and deleted ones that use changed data.
* data: every changed global (old copy imported, new copy `<name>_vN`), with
  its two sync functions; f2d edges between them.
* imports grow while the verification step spells code (`import_for`): every
  unchanged program function or global the new code refers to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from polusgen.inject.jumps import REL32_LEN
from polusgen.manifest import Binary
from polusgen.model import ChangeSet, Status, Warning_, split_key
from polusgen.versionfile import VersionFile, vf_key

from .ctypes import changed_records

_SECTION = {"function": "functions", "global": "globals", "type": "types"}


def sanitize(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


@dataclass(frozen=True)
class ImportPlan:
    kind: str                    # "function" | "data"
    key: str                     # key of the entity in the old program
    name: str                    # symbol in the target (or in an earlier patch)
    file: Optional[str]          # source file of a program static
    lib: Optional[str]           # earlier patch that defines it
    macro: str                   # POLUS_OLD_<base>: how code refers to it
    used: bool = False           # code refers to it: emit a typed macro


@dataclass(frozen=True)
class OldFunctionPlan:
    key: str
    import_index: int
    never_left: bool = False


@dataclass(frozen=True)
class NewFunctionPlan:
    key: str
    symbol: str
    stub: bool = False


@dataclass(frozen=True)
class DataPlan:
    key: str
    old_import: int
    new_symbol: str
    base: str                    # unique C-identifier form of the key (ab, count_a_c)
    readonly: bool = False
    no_sync: bool = False        # const, or never written with a new initializer: the new copy keeps its value
    heap: bool = False           # reaches heap objects of changed types (tracing code)


@dataclass(frozen=True)
class StubPlan:
    key: str                     # the signature-changed function
    symbol: str                  # exported stub with the old prototype (foo_stub_v1)
    target: str                  # the new version it calls (foo_v1)
    callers: tuple[str, ...] = ()   # never-left callers


@dataclass
class Draft:
    cs: ChangeSet
    program: str
    name: str
    from_version: int
    to_version: int
    requires: list[str]
    binary: Binary
    suffix: str
    changed_types: frozenset[str]
    changed_records: frozenset[str]       # the changed structs and unions (and typedefs naming one), new version
    type_names: dict[str, str]            # changed type key -> new C name (tag or typedef name)
    enumerators: dict[str, str]           # enumerator of a changed enum -> new name
    symbols: dict[tuple[str, str], str]   # ("function"|"global", new key) -> symbol in this patch
    bases: dict[tuple[str, str], str]     # (kind, key) -> unique base name
    imports: list[ImportPlan] = field(default_factory=list)
    old_functions: list[OldFunctionPlan] = field(default_factory=list)
    new_functions: list[NewFunctionPlan] = field(default_factory=list)
    redirects: list[tuple[int, int]] = field(default_factory=list)
    data: list[DataPlan] = field(default_factory=list)
    f2d: list[tuple[int, int]] = field(default_factory=list)
    stubs: list[StubPlan] = field(default_factory=list)
    emitted_functions: list[str] = field(default_factory=list)   # new keys, in order
    emitted_globals: list[str] = field(default_factory=list)     # new keys (changed and added)
    warnings: list[Warning_] = field(default_factory=list)
    version_file: Optional[VersionFile] = None
    binary_symbols: Optional[dict] = None      # (name, file) -> size of the binary's function symbols, if known
    _import_index: dict[tuple[str, str], int] = field(default_factory=dict)

    # ------------------------------------------------------------ lookups
    def symbol(self, kind: str, key: str) -> Optional[str]:
        return self.symbols.get((kind, key))

    def import_for(self, kind: str, key: str, used: bool = True) -> ImportPlan:
        """The import of old-program entity `key` ("function" or "global"), added if new."""
        ikind = "function" if kind == "function" else "data"
        idx = self._import_index.get((ikind, key))
        if idx is None:
            prog = self.cs.old
            ent = (prog.functions if kind == "function" else prog.globals).get(key)
            if ent is None:   # referenced only in the new program (should not happen for unchanged)
                ent = (self.cs.new.functions if kind == "function" else self.cs.new.globals)[key]
            name, file, lib = ent.name, (ent.file if ent.static else None), None
            rec = None
            if self.version_file is not None:
                rec = self.version_file.lookup(_SECTION[kind], vf_key(ent))
            if rec is not None and not rec.deleted:
                name, lib = rec.name, rec.lib
                file = rec.file if lib is None else None
                if lib is None and rec.file is None and ent.static:
                    file = ent.file
            base = self.bases.get((kind, key)) or unique_base(self.cs, kind, key)
            self.imports.append(ImportPlan(ikind, key, name, file, lib, f"POLUS_OLD_{base}"))
            idx = len(self.imports) - 1
            self._import_index[(ikind, key)] = idx
        if used and not self.imports[idx].used:
            self.imports[idx] = replace(self.imports[idx], used=True)
        return self.imports[idx]

    def import_index(self, kind: str, key: str) -> int:
        return self._import_index[("function" if kind == "function" else "data", key)]

    def version_records(self) -> dict[str, dict[str, Optional[tuple[str, bool]]]]:
        """What this patch changes in the version file: section -> vf key ->
        (current name, lives in this patch) or None (deleted)."""
        out: dict[str, dict] = {s: {} for s in ("functions", "globals", "types")}
        for kind, section in (("function", self.cs.functions), ("global", self.cs.globals)):
            for key, ch in section.items():
                sym = self.symbols.get((kind, key))
                if sym is not None:
                    out[_SECTION[kind]][vf_key(ch.new)] = (sym, True)
                elif ch.status is Status.DELETED:
                    out[_SECTION[kind]][vf_key(ch.old)] = None
        for key, ch in self.cs.types.items():
            if ch.status is Status.CHANGED:
                kind, _, name = key.partition(" ")
                spelled = self.type_names[key] if kind == "typedef" else f"{kind} {self.type_names[key]}"
                out["types"][key] = (spelled, False)
            elif ch.status is Status.DELETED:
                out["types"][key] = None
        return out


def _in_earlier_patch(ent, vf: Optional[VersionFile]) -> bool:
    rec = vf.lookup("functions", vf_key(ent)) if vf is not None else None
    return rec is not None and rec.lib is not None


def inlined_away(ent, vf: Optional[VersionFile], binary_symbols) -> bool:
    """A static function of the program (not of an earlier patch) with no symbol in the binary."""
    if binary_symbols is None or not ent.static or _in_earlier_patch(ent, vf):
        return False
    return (ent.name, Path(ent.file).name) not in binary_symbols


def short_in_binary(ent, vf: Optional[VersionFile], binary_symbols) -> Optional[int]:
    """The size of a function of the program (not of an earlier patch) whose
    code in the binary is shorter than the jump a redirect writes (a lone `ret`)."""
    if binary_symbols is None or _in_earlier_patch(ent, vf):
        return None
    size = binary_symbols.get((ent.name, Path(ent.file).name if ent.static else None))
    return size if size is not None and 0 < size < REL32_LEN else None


def _calls_through_inlined(cs: ChangeSet, key: str, vf, binary_symbols) -> set[str]:
    """What the running code of `key` calls: its own calls, and the calls of
    callees gcc inlined into it (static functions with no symbol), recursively."""
    out: set[str] = set()
    todo, seen = [key], set()
    while todo:
        k = todo.pop()
        if k in seen or k not in cs.old.functions:
            continue
        seen.add(k)
        fn = cs.old.functions[k]
        for c in fn.calls | fn.addr_taken:
            out.add(c)
            callee = cs.old.functions.get(c)
            if callee is not None and inlined_away(callee, vf, binary_symbols):
                todo.append(c)
    return out


def _carried_by_callers(cs: ChangeSet, key: str, size: int) -> Warning_:
    taken = sorted(k for k, f in cs.old.functions.items() if key in f.addr_taken)
    through = (f"; calls through a pointer to it (taken in {', '.join(taken)}) still run the old code"
               if taken else "")
    return Warning_("too-short", f"{key} is only {size} bytes long in the running binary, shorter than a "
                    f"{REL32_LEN}-byte jump: nothing to redirect; its callers carry the change{through}",
                    cs.functions[key].old.coord)


def unique_base(cs: ChangeSet, kind: str, key: str) -> str:
    """`name`, or `name_<file>` for a static whose name is not unique."""
    name, file = split_key(key)
    if file is None:
        return name
    same = 0
    for prog in (cs.old, cs.new):
        for k in list(prog.functions) + list(prog.globals):
            if split_key(k)[0] == name and k != key:
                same += 1
    if same == 0:
        return name
    ent = None
    for prog in (cs.new, cs.old):
        ent = (prog.functions if kind == "function" else prog.globals).get(key) or ent
    f = ent.file if ent is not None else file
    return f"{name}_{sanitize(Path(f).as_posix())}"




# ---------------------------------------------------------------- the naming steps (make_plan 1-5)

def new_draft(cs: ChangeSet, vf: VersionFile, program: str, binary: Optional[Binary],
              binary_symbols: Optional[dict]) -> Draft:
    n = vf.version + 1
    return Draft(cs=cs, program=program, name=f"{program}-v{n}", from_version=vf.version, to_version=n,
                 requires=[vf.last_patch] if vf.last_patch else [], binary=binary or Binary(), suffix=f"_v{n}",
                 changed_types=cs.changed_types, changed_records=changed_records(cs.changed_types, cs.new),
                 type_names={}, enumerators={}, symbols={}, bases={},
                 version_file=vf, binary_symbols=binary_symbols)


def name_types(plan: Draft) -> None:
    """The new version of a changed type is renamed (and a changed enum's enumerators)."""
    for key in sorted(plan.changed_types):
        ch = plan.cs.types[key]
        plan.type_names[key] = ch.new.name + plan.suffix if ch.new.name else ""
        if ch.new.kind == "enum":
            vals = getattr(ch.new.node, "values", None)
            for e in (vals.enumerators if vals else []):
                plan.enumerators[e.name] = e.name + plan.suffix


def name_definitions(plan: Draft) -> None:
    """The functions and globals of the new version that the patch defines, and
    the unique base name of every function and global."""
    cs = plan.cs
    for kind, section in (("function", cs.functions), ("global", cs.globals)):
        for key, ch in sorted(section.items()):
            if ch.new is None or ch.status not in (Status.ADDED, Status.CHANGED):
                continue
            base = unique_base(cs, kind, key)
            plan.bases[(kind, key)] = base
            plan.symbols[(kind, key)] = base + plan.suffix
            (plan.emitted_functions if kind == "function" else plan.emitted_globals).append(key)
    for kind, section in (("function", cs.functions), ("global", cs.globals)):
        for key in section:
            plan.bases.setdefault((kind, key), unique_base(cs, kind, key))


def plan_data(plan: Draft, written: frozenset[str]) -> None:
    """Changed globals: the old copy imported, the new copy defined here.
    `written`: the globals some function of either version writes."""
    for key in sorted(plan.cs.changed_globals):
        ch = plan.cs.globals[key]
        plan.import_for("global", key, used=False)
        writers = key in written
        const = bool(ch.old.const and ch.new.const)
        # nothing writes it (nor takes its address): its running value is still its old
        # initializer, so a new initializer wins (a table that gained entries in the middle
        # must not be overwritten element by element with the old one)
        fresh = not writers and ch.old.init_text != ch.new.init_text and ch.new.init_text is not None
        if fresh and not const:
            plan.warnings.append(Warning_(
                "initializer-wins", f"{key} is never written and its initializer changed: the new copy keeps its "
                "new value, nothing is copied from the old one", ch.new.coord))
        plan.data.append(DataPlan(key, plan.import_index("global", key), plan.symbols[("global", key)],
                                  plan.bases[("global", key)], readonly=const or not writers,
                                  no_sync=const or fresh))


def plan_stubs(plan: Draft) -> None:
    """Signature-changed functions that never-left functions call: a stub with the old prototype."""
    cs, vf = plan.cs, plan.version_file
    reach = {c: _calls_through_inlined(cs, c, vf, plan.binary_symbols) for c in cs.never_left
             if c in cs.old.functions}
    for key, ch in sorted(cs.functions.items()):
        if not ch.signature_changed or ch.old is None or ch.new is None:
            continue
        callers = tuple(sorted(c for c, calls in reach.items() if key in calls))
        if callers:
            base = plan.bases[("function", key)]
            plan.stubs.append(StubPlan(key, f"{base}_stub{plan.suffix}", plan.symbols[("function", key)], callers))


def _registered_old(plan: Draft) -> list[str]:
    """The old functions to register: changed, stubbed or using changed data,
    unless the binary has no code of their own to redirect (a warning says so)."""
    cs, vf = plan.cs, plan.version_file
    stubbed = {s.key for s in plan.stubs}
    out = []
    for key, ch in sorted(cs.functions.items()):
        if ch.old is None or not (ch.status is Status.CHANGED or key in stubbed or key in cs.f2d):
            continue
        if inlined_away(ch.old, vf, plan.binary_symbols):
            plan.warnings.append(Warning_(
                "inlined", f"{key} has no symbol in the running binary (gcc inlined it): nothing to redirect; "
                "its callers carry the change", ch.old.coord))
        elif (size := short_in_binary(ch.old, vf, plan.binary_symbols)) is not None:
            plan.warnings.append(_carried_by_callers(cs, key, size))
        else:
            out.append(key)
    return out


def plan_functions(plan: Draft) -> None:
    """Old functions (registered, redirected), new functions and stubs, the
    redirects between them and the f2d edges."""
    cs = plan.cs
    old_keys = _registered_old(plan)
    for key in old_keys:
        plan.import_for("function", key, used=False)
        plan.old_functions.append(OldFunctionPlan(key, plan.import_index("function", key), key in cs.never_left))
    plan.new_functions += [NewFunctionPlan(k, plan.symbols[("function", k)]) for k in plan.emitted_functions]
    plan.new_functions += [NewFunctionPlan(st.key, st.symbol, stub=True) for st in plan.stubs]
    old_index = {o.key: i for i, o in enumerate(plan.old_functions)}
    for j, nf in enumerate(plan.new_functions):
        ch = cs.functions[nf.key]
        if nf.key in old_index and (nf.stub or (ch.status is Status.CHANGED and not ch.signature_changed)):
            plan.redirects.append((old_index[nf.key], j))
    data_index = {d.key: i for i, d in enumerate(plan.data)}
    for key in old_keys:
        plan.f2d += [(old_index[key], data_index[g]) for g in sorted(cs.f2d.get(key, ())) if g in data_index]
