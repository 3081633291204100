"""Transfer points of the never-left functions of a change set.

A transfer point is the return address of a call that a changed never-left
function makes itself (its thread waits in usleep, accept, epoll_wait, fgets).
Matched to the source by the line of the call instruction: the k-th call of
callee X in the old body is the k-th call of X in the new body.  A point is
usable when every variable live after it in the new body has a value in the
old frame there (debug information), of an unchanged type, and the frame can
be rebuilt from the CFI; otherwise `problems` says why.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Optional

from pycparser import c_ast

from polusgen.model import ChangeSet, Status, Warning_

from . import source


@dataclass
class LiveValue:
    name: str
    by_ref: bool
    kind: str                    # Location.kind: reg | mem | const
    reg: Optional[str] = None
    base: Optional[str] = None
    offset: int = 0
    indirect: bool = False       # by_ref, and the location holds the pointer (the old code is a resume entry)


@dataclass
class TransferPoint:
    function: str                # key of the never-left function
    callee: Optional[str]
    line: int                    # line of the call in the old source
    return_pc: int               # link-time address (offset from the load base for PIE)
    offset: int = 0              # return_pc - the function's first address
    call_index: int = -1         # the call among every call of the new body (pre-order)
    cfa_reg: Optional[str] = None
    cfa_offset: int = 0
    saved: dict[str, int] = field(default_factory=dict)
    live: list[LiveValue] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    symbol: str = ""             # the patch's landing symbol (set by the emitter)
    lib: Optional[str] = None    # the earlier patch whose resume entry `within` the old activation runs
    within: str = ""             # (return_pc and offset are then the library's, and from that entry)

    @property
    def usable(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        where = f"{self.callee or 'an indirect call'} (line {self.line}, return address {self.return_pc:#x}" + \
            (f" in {self.within} of patch {self.lib})" if self.lib else ")")
        if self.usable:
            names = ", ".join(v.name + (" in place" if v.by_ref else "") for v in self.live) or "no variables"
            return f"{where}: usable, carries {names}"
        return f"{where}: not usable: {'; '.join(self.problems)}"

    def to_json(self) -> dict:
        d = asdict(self)
        d["usable"] = self.usable
        return d


def _changed_types(cs: ChangeSet) -> set[str]:
    return {k for k, c in cs.types.items() if c.status is not Status.UNCHANGED}


def _type_keys(tnode) -> set[str]:
    out = set()
    for n in source._walk(tnode):
        if isinstance(n, (c_ast.Struct, c_ast.Union, c_ast.Enum)) and n.name:
            out.add(f"{type(n).__name__.lower()} {n.name}")
        elif isinstance(n, c_ast.IdentifierType):
            out |= {f"typedef {x}" for x in n.names}
    return out


def _type_text(decl) -> str:
    """The declared type of a local, without its name."""
    from polusgen.csyntax.cgen import SourceGenerator

    d = copy.deepcopy(c_ast.Decl(None, decl.quals, [], [], [], decl.type, None, None))
    source._rename_declname(d.type, None)
    return SourceGenerator().visit(d)


def functions_to_move(cs: ChangeSet) -> list[str]:
    from polusgen.graph import activation_lives_on, never_left_functions

    why = never_left_functions(cs.old)
    out = []
    for key in sorted(cs.never_left):
        ch = cs.functions.get(key)
        if ch is None or ch.status is not Status.CHANGED or ch.old is None or ch.new is None:
            continue
        if activation_lives_on(why.get(key, "")):
            out.append(key)
    return out


def find_points(cs: ChangeSet, binary: Path, patched=lambda fn: None) -> tuple[dict[str, list[TransferPoint]],
                                                                                 dict[str, str]]:
    """{never-left function key: its transfer points} for the changed never-left
    functions, and {key: what happens to its running activation, and why}.
    `patched(fn)`: (name, library) of the earlier patch that runs fn's live
    version, or None if the binary does.  In the binary, the points are the
    calls of the old function; in an earlier patch, the calls of the resume
    entries its activation moved into (that patch's debug information)."""
    from .dwarf import DebugInfo, NoDebugInfo

    out: dict[str, list[TransferPoint]] = {}
    notes: dict[str, str] = {}
    changed_types = _changed_types(cs)
    by_source: dict[Optional[tuple], list[str]] = {}
    for key in functions_to_move(cs):
        by_source.setdefault(patched(cs.functions[key].old), []).append(key)
    for where, keys in by_source.items():
        path = Path(binary) if where is None else Path(where[1])
        try:
            info = DebugInfo(path)
        except (NoDebugInfo, OSError) as e:
            if where is None:
                why = f"{e}: with it, its running activation would move to the new code"
            else:
                why = (f"its running activation runs the code of patch {where[0]}, whose library {path} cannot be "
                       f"read for its transfer points ({e}): it stays there")
            notes.update({k: why for k in keys})
            continue
        try:
            for key in keys:
                ch = cs.functions[key]
                try:
                    out[key] = _points_in_binary(key, ch, info, changed_types) if where is None else \
                        _points_in_patch(key, ch, info, where, changed_types)
                except Exception as e:    # noqa: BLE001 - debug information pyelftools cannot read: nothing moves
                    notes[key] = f"the debug information of {path} could not be read ({e}): nothing moves"
                    continue
                usable = sorted({p.callee for p in out[key] if p.usable})
                notes[key] = (f"but its running activation moves to the new code when it returns from "
                              f"{', '.join(usable)} (transfer points)" if usable else
                              "and it has no usable transfer point (`diff --binary` lists them): its running "
                              "activation stays in the old code")
        finally:
            info.close()
    return out, notes


def _points_in_binary(key: str, ch, info, changed_types: set[str]) -> list[TransferPoint]:
    sites = info.call_sites(ch.old.name, ch.old.file if ch.old.static else None)
    return [_point(key, ch, s, changed_types) for s in sites]


def _points_in_patch(key: str, ch, info, where: tuple, changed_types: set[str]) -> list[TransferPoint]:
    """The calls of every resume entry of `key` in the earlier patch `where`
    (name, library), each matched to the old body's call by its callee and
    its rank among that callee's calls by source line (as back entries are)."""
    from polusgen import elf as elfmod

    lib, path = where
    manifest = elfmod.read_manifest(path)
    # the patch's functions by their source names (report_v1 is report); a static of a single-file
    # program is keyed by that file's name, which changes from version to version (worker@v1.c)
    source_name = {f.symbol: f.name.split("@", 1)[0] for f in manifest.new_functions}
    entries = sorted({t.resume for t in manifest.transfers if t.resume and
                      (t.function == key or ("@" in key and t.function.split("@", 1)[0] == ch.old.name))})
    old_calls: dict[str, list[int]] = {}
    for i, c in enumerate(source.calls(ch.old.node)):
        if source.callee_name(c):
            old_calls.setdefault(source.callee_name(c), []).append(i)
    out = []
    for entry in entries:
        sites = info.call_sites(entry)
        for c in sites:
            c.callee = source_name.get(c.callee, c.callee)
        lines: dict[str, list[int]] = {}
        for c in sites:
            if c.callee and not c.inlined_from and c.line not in lines.setdefault(c.callee, []):
                lines[c.callee].append(c.line)
        for site in sites:
            p = TransferPoint(key, site.callee, site.line, site.return_pc, site.offset, cfa_reg=site.cfa_reg,
                              cfa_offset=site.cfa_offset, saved=dict(site.saved), lib=lib, within=entry)
            out.append(p)
            if site.callee is None or site.inlined_from:
                p.problems.append("an indirect call" if site.callee is None else
                                  f"made by {site.inlined_from}, which gcc inlined here")
                continue
            ranks = sorted(lines[site.callee])
            olds = old_calls.get(site.callee, [])
            if len(ranks) != len(olds):
                p.problems.append(f"{entry} calls {site.callee} on {len(ranks)} lines, the old source "
                                  f"{len(olds)} times: the calls cannot be matched")
                continue
            _match(p, ch, site, olds[ranks.index(site.line)], changed_types, in_entry=True)
    return out


def annotate_warnings(cs: ChangeSet, notes: dict[str, str]) -> None:
    """Each never-left function's warnings say what becomes of its running
    activation (one more warning only if it had none)."""
    for key, note in notes.items():
        hits = [i for i, w in enumerate(cs.warnings)
                if (w.code == "never-left" and w.message.startswith(f"{key} is changed"))
                or (w.code == "inlined-never-left" and f"inlined into {key}, which" in w.message)]
        for i in hits:   # warnings are frozen: each is replaced by an annotated copy
            cs.warnings[i] = replace(cs.warnings[i], message=f"{cs.warnings[i].message}; {note}")
        if not hits:
            cs.warnings.append(Warning_("never-left", f"{key} never left: {note}", cs.functions[key].old.coord))


_INTEGER_WORDS = {"void", "char", "short", "int", "long", "signed", "unsigned", "_Bool"}
_INTEGER_TYPEDEFS = {"size_t", "ssize_t", "pid_t", "off_t", "uid_t", "gid_t", "mode_t", "socklen_t", "bool",
                     "intptr_t", "uintptr_t", "int8_t", "int16_t", "int32_t", "int64_t",
                     "uint8_t", "uint16_t", "uint32_t", "uint64_t"}


def _return_problem(returns) -> str:
    """The landing hands the resume entry's result back in rax: only a
    function returning nothing, an integer or a pointer can resume there (a
    struct comes back in two registers or through memory, a float in xmm0)."""
    if isinstance(returns, c_ast.PtrDecl):
        return ""
    if isinstance(returns, c_ast.TypeDecl):
        t = returns.type
        if isinstance(t, c_ast.Enum):
            return ""
        if isinstance(t, c_ast.IdentifierType) and (set(t.names) <= _INTEGER_WORDS or
                                                    (len(t.names) == 1 and t.names[0] in _INTEGER_TYPEDEFS)):
            return ""
    return "the function returns a value the landing cannot hand back in rax (a struct, a union, a float " \
           "or a type polusgen does not know to be an integer)"


def _point(key: str, ch, site, changed_types: set[str]) -> TransferPoint:
    p = TransferPoint(key, site.callee, site.line, site.return_pc, site.offset, cfa_reg=site.cfa_reg,
                      cfa_offset=site.cfa_offset, saved=dict(site.saved))
    if site.callee is None:
        p.problems.append("an indirect call")
        return p
    if site.inlined_from:
        p.problems.append(f"made by {site.inlined_from}, which gcc inlined here")
        return p
    if site.decl_line and ch.old.coord and site.decl_line != ch.old.coord.line:
        p.problems.append(f"the binary's {ch.old.name} is declared at line {site.decl_line}, the old source's at "
                          f"line {ch.old.coord.line}: the binary was not built from this source")
        return p
    old_calls = [i for i, c in enumerate(source.calls(ch.old.node)) if source.callee_name(c) == site.callee]
    here = [i for i in old_calls if source.calls(ch.old.node)[i].coord is not None
            and source.calls(ch.old.node)[i].coord.line == site.line]
    if len(here) != 1:
        p.problems.append(f"{'no' if not here else 'more than one'} call of {site.callee} at line {site.line} "
                          f"of the source")
        return p
    _match(p, ch, site, here[0], changed_types)
    return p


def _match(p: TransferPoint, ch, site, old_index: int, changed_types: set[str], in_entry: bool = False) -> None:
    """Fill p from the old body's call `old_index` the activation waits in at
    `site`: the new body's matching call (the k-th call of the same callee),
    the variables live after it and where the old frame has them (`in_entry`:
    the old code is a resume entry, which holds a variable used in place as
    a pointer, __polus_ref_<name>)."""
    if site.cfi_problem:
        p.problems.append(site.cfi_problem)
    old_all = source.calls(ch.old.node)
    old_calls = [i for i, c in enumerate(old_all) if source.callee_name(c) == site.callee]
    new_all = source.calls(ch.new.node)
    new_calls = [i for i, c in enumerate(new_all) if source.callee_name(c) == site.callee]
    if len(new_calls) != len(old_calls):
        p.problems.append(f"the new version calls {site.callee} {len(new_calls)} times, the old one "
                          f"{len(old_calls)}: the calls cannot be matched")
        return
    p.call_index = new_calls[old_calls.index(old_index)]
    why = _return_problem(ch.new.node.decl.type.type)
    if why:
        p.problems.append(why)
        return
    found = source.locate(ch.new.node, p.call_index)
    if found.problem:
        p.problems.append(found.problem)
        return
    if found.uses_result and not site.returns_in_rax:
        p.problems.append(f"{site.callee} returns its value in a vector register")
    old_decls = {n.name: n for n in source._walk(ch.old.node) if isinstance(n, c_ast.Decl) and n.name}
    for v in found.live:
        old = old_decls.get(v.name)
        if old is None:
            p.problems.append(f"{v.name} is new: the old activation has no value for it")
            continue
        if _type_text(old) != _type_text(v.decl):
            p.problems.append(f"{v.name} changed type ({_type_text(old)} -> {_type_text(v.decl)})")
            continue
        hit = _type_keys(v.decl.type) & changed_types
        if hit:
            p.problems.append(f"{v.name} is of changed type {sorted(hit)[0]} (no converter for locals)")
            continue
        indirect = in_entry and source.in_place(ch.old.node, v.name)
        if indirect and not v.by_ref:
            p.problems.append(f"{v.name} is used in place by the old code, by value by the new")
            continue
        loc = site.variables.get(("__polus_ref_" if indirect else "") + v.name)
        if loc is None or loc.kind == "none":
            p.problems.append(f"{v.name} is {loc.why if loc else 'not described'} at the call's return")
            continue
        if v.by_ref and not indirect and loc.kind != "mem":
            p.problems.append(f"{v.name} must be used in place but is not in memory at the call's return")
            continue
        p.live.append(LiveValue(v.name, v.by_ref, loc.kind, loc.reg, loc.base, loc.offset, indirect))


def transfer_report(points: dict[str, list[TransferPoint]]) -> list[str]:
    lines = []
    for key, pts in sorted(points.items()):
        usable = sum(p.usable for p in pts)
        lines.append(f"{key}: {usable} of {len(pts)} transfer points usable")
        lines += [f"  {p.describe()}" for p in pts]
    return lines
