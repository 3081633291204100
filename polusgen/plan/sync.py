"""State synchronization: what to copy, member by member, both directions.

For every changed global the verification step asks `SyncBuilder.global_ops` for the
statements of its old->new and new->old functions.  They are plain data
("ops", rendered by templates/macros.j2):

    assign    dst = src;                       scalars, bit-fields, pointers to unchanged types
    arith     static assertion; dst = src;     a number <-> a system typedef of a number (time_t)
    copy      memcpy(&dst, &src, sizeof dst)   unchanged aggregates and system types
    overlap   memcpy of the smaller size       changed unions (members overlap)
    call      conv(&dst, &src)                 a changed struct: its own converter
    ptr       dst = translate(src)             pointer to a changed struct: heap counterpart
    enum      if (src == OLD) dst = NEW; ...   a changed enum, mapped by enumerator name
    loop      for each common index            arrays (both lengths bounded)
    members   inline ops for an anonymous struct body
    skip      a comment saying why not         incompatible, function pointers to changed types, ...

Converters are made once per changed struct type and direction; pointer
translators (and the heap node sync functions the runtime calls for heap
objects) once per changed struct reached through a pointer.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

from pycparser import c_ast

from polusgen.model import Coord, Warning_

from .ctypes import Resolved, arithmetic, enumerator_names, members, resolve, same_type

@dataclass
class Converter:
    dir: str
    key: str                  # type key (or owning typedef key)
    name: str                 # polus_o2n_struct_A
    dst_type: str             # C spelling of the destination type
    src_type: str
    ops: list = field(default_factory=list)


@dataclass
class Skip:
    """A part of a changed global or type that the sync functions leave alone."""
    owner: tuple[str, str]    # ("global", key) or ("type", key): whose sync function skips it
    dir: str
    dst: str
    why: str
    lossy: bool               # the new copy misses the running value (not: it keeps a value of its own)
    coord: Optional[Coord] = None
    warning: Optional[Warning_] = None   # the not-synchronized warning that tells the user


@dataclass
class HeapType:
    key: str
    ident: str                # struct_node
    old_type: str
    new_type: str
    coord: Optional[Coord] = None
    aliased: bool = False


def _unqualified(t: c_ast.Node) -> c_ast.Node:
    """A pointee's type without its own qualifiers (`const void` -> `void`)."""
    if not getattr(t, "quals", None) or isinstance(t, c_ast.FuncDecl):
        return t
    t = copy.copy(t)
    t.quals = []
    return t


def ident_of(key: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_]", "_", key)


class SyncBuilder:
    def __init__(self, writer):
        self.w = writer                       # the PatchWriter (type spelling, plan, programs)
        self.plan = writer.plan
        self.old, self.new = writer.plan.cs.old, writer.plan.cs.new
        self.changed = writer.plan.changed_types
        self.converters: dict[tuple[str, str], Converter] = {}
        self.heap: dict[str, HeapType] = {}
        self.warnings: list[Warning_] = []
        self.skips: list[Skip] = []
        self._owner: tuple[str, str] = ("global", "")   # what is being built now, for Skip
        self._dir = "o2n"
        self._pending: list[tuple[str, str, Resolved, Resolved]] = []

    # ------------------------------------------------------------ entry points
    def global_ops(self, d: str, old_t: c_ast.Node, new_t: c_ast.Node, where: str, coord) -> list:
        return self.object_ops(d, "(*d)", "(*s)", old_t, new_t, ("global", where), coord)

    def object_ops(self, d: str, dst: str, src: str, old_t: c_ast.Node, new_t: c_ast.Node,
                   owner: tuple[str, str], coord) -> list:
        """Copy one object `src` into `dst` (a global's copies; a stub's argument)."""
        self._owner, self._dir = owner, d
        ops = self.copy(d, dst, src, old_t, new_t, 0, owner[1], coord)
        self.flush()
        return ops

    def flush(self) -> None:
        while self._pending:
            d, key, ro, rn = self._pending.pop(0)
            conv = self.converters[(d, key)]
            self._owner, self._dir = ("type", key), d
            conv.ops = self.member_ops(d, "dst->", "src->", ro, rn, 0, key, self.w.type_coord(key))

    # ------------------------------------------------------------ the rules
    def copy(self, d: str, dst: str, src: str, old_t, new_t, depth: int, where: str, coord,
             bitfield: bool = False) -> list:
        if same_type(old_t, new_t, self.old, self.new, self.changed):
            r = resolve(new_t, self.new)
            if r.kind == "array" and r.node.dim is None:
                return [self.skip(dst, f"{where}: a flexible array member (how many elements an object has is "
                                  "known only to the code that allocated it)", coord)]
            if bitfield or r.kind in ("scalar", "ptr", "enum"):
                return [{"op": "assign", "dst": dst, "src": src}]
            return [{"op": "copy", "dst": dst, "src": src}]
        ro, rn = resolve(old_t, self.old), resolve(new_t, self.new)
        if "opaque" in (ro.kind, rn.kind) and {ro.kind, rn.kind} <= {"scalar", "opaque"} \
                and arithmetic(old_t, self.old) and arithmetic(new_t, self.new):
            # `long` -> `time_t`: C converts one number to the other as the user's code would; only the
            # real header knows what time_t is, so the patch's build checks it is a number
            return [{"op": "arith", "dst": dst, "src": src,
                     "why": f"polusgen: {where} is copied as a number, but the system's type is not one: "
                            "carry it in a user_polus_ sync function (--user-code)"}]
        if ro.kind != rn.kind:
            return [self.skip(dst, f"{where}: its type changed from {ro.kind} to {rn.kind}", coord)]
        k = rn.kind
        if k in ("scalar", "opaque"):
            if k == "opaque" and ro.key != rn.key:
                return [self.skip(dst, f"{where}: its type changed", coord)]
            return [{"op": "assign" if k == "scalar" else "copy", "dst": dst, "src": src}]
        if k == "enum":
            if ro.key and ro.key == rn.key and ro.key in self.changed:
                on, nn = enumerator_names(ro.node), enumerator_names(rn.node)
                common = [n for n in nn if n in on]
                pairs = [(n, self.w.enumerator_new(n)) for n in common]
                if d == "n2o":
                    pairs = [(b, a) for a, b in pairs]
                return [{"op": "enum", "dst": dst, "src": src, "pairs": pairs}]
            return [{"op": "assign", "dst": dst, "src": src}]
        if k in ("struct", "union"):
            if ro.key is not None or rn.key is not None:
                if ro.key != rn.key:
                    return [self.skip(dst, f"{where}: now a different type ({ro.key} -> {rn.key})", coord)]
                if k == "union":
                    self.warn("union", f"{where}: {rn.key} changed; its bytes are copied (the smaller size), "
                              "not member by member", coord)
                    return [{"op": "overlap", "dst": dst, "src": src}]
                conv = self.converter(d, rn.key, ro, rn)
                return [{"op": "call", "fn": self.w.override(conv.name), "dst": dst, "src": src}]
            if ro.owner and ro.owner == rn.owner:
                if k == "union":
                    return [{"op": "overlap", "dst": dst, "src": src}]
                conv = self.converter(d, rn.owner, ro, rn)
                return [{"op": "call", "fn": self.w.override(conv.name), "dst": dst, "src": src}]
            if k == "union":
                return [{"op": "overlap", "dst": dst, "src": src}]
            return [{"op": "members",
                     "ops": self.member_ops(d, f"({dst}).", f"({src}).", ro, rn, depth, where, coord)}]
        if k == "array":
            if ro.node.dim is None or rn.node.dim is None:
                return [self.skip(dst, f"{where}: an array of unknown length", coord)]
            var = f"i{depth}"
            body = self.copy(d, f"{dst}[{var}]", f"{src}[{var}]", ro.node.type, rn.node.type, depth + 1,
                             f"{where}[]", coord)
            return [{"op": "loop", "var": var, "dst": dst, "src": src, "body": body}]
        if k == "ptr":
            po, pn = ro.node.type, rn.node.type
            if same_type(po, pn, self.old, self.new, self.changed):
                return [{"op": "assign", "dst": dst, "src": src}]
            if same_type(_unqualified(po), _unqualified(pn), self.old, self.new, self.changed):
                # `void *` <-> `const void *`: one representation (C11 6.2.5p28), only the qualifier moves
                return [{"op": "assign", "dst": dst, "src": f"(void *){src}"}]
            tro, trn = resolve(po, self.old), resolve(pn, self.new)
            if tro.kind == trn.kind and tro.kind in ("struct", "union"):
                key = trn.key or trn.owner
                if key and key == (tro.key or tro.owner):
                    h = self.heap_type(key, tro, trn)
                    return [{"op": "ptr", "fn": f"polus_{d}_ptr_{h.ident}", "dst": dst, "src": src}]
            if tro.kind == "func" or trn.kind == "func":
                return [self.skip(dst, f"{where}: a function pointer whose type changed; the new copy keeps "
                                  "its own value", coord, lossy=False)]
            return [self.skip(dst, f"{where}: a pointer to a changed type that is not a struct", coord)]
        if k == "func":
            return [self.skip(dst, f"{where}: a function", coord)]
        return [self.skip(dst, f"{where}: a type polusgen cannot copy", coord)]

    def member_ops(self, d: str, dprefix: str, sprefix: str, ro: Resolved, rn: Resolved, depth: int,
                   where: str, coord) -> list:
        old_m = {m.name: m for m in members(ro.node) if m.name}
        ops: list = []
        for m in members(rn.node):
            if not m.name:
                ops.append(self.skip(f"{dprefix}<anonymous>", f"{where}: an anonymous member", coord))
                continue
            om = old_m.get(m.name)
            if om is None:
                ops.append({"op": "comment", "text": f"{m.name}: new member, keeps its value"})
                continue
            if "const" in (getattr(m.type, "quals", None) or []):
                ops.append(self.skip(f"{dprefix}{m.name}", f"{where}.{m.name}: const", coord, lossy=False))
                continue
            old_t, new_t = (om.type, m.type)
            ops.extend(self.copy(d, f"{dprefix}{m.name}", f"{sprefix}{m.name}", old_t, new_t, depth,
                                 f"{where}.{m.name}", coord, bitfield=m.bitsize is not None or om.bitsize is not None))
        return ops

    # ------------------------------------------------------------ helpers
    def converter(self, d: str, key: str, ro: Resolved, rn: Resolved) -> Converter:
        if (d, key) not in self.converters:
            old_spell, new_spell = self.w.type_spelling(key, "old"), self.w.type_spelling(key, "new")
            for dd, dst_t, src_t, rro, rrn in (("o2n", new_spell, old_spell, ro, rn),
                                               ("n2o", old_spell, new_spell, ro, rn)):
                if (dd, key) in self.converters:
                    continue
                name = f"polus_{dd}_{ident_of(key)}"
                self.converters[(dd, key)] = Converter(dd, key, name, dst_t, src_t)
                self._pending.append((dd, key, rro, rrn))
        return self.converters[(d, key)]

    def heap_type(self, key: str, ro: Resolved, rn: Resolved) -> HeapType:
        if key not in self.heap:
            self.converter("o2n", key, ro, rn)
            self.heap[key] = HeapType(key, ident_of(key), self.w.type_spelling(key, "old"),
                                      self.w.type_spelling(key, "new"), self.w.type_coord(key))
        return self.heap[key]

    def skip(self, dst: str, why: str, coord, lossy: bool = True) -> dict:
        w = self.warn("not-synchronized", f"{why}: not synchronized (write a user_polus_ sync function if it "
                      "must be)", coord)
        self.skips.append(Skip(self._owner, self._dir, dst, why, lossy, coord, w))
        return {"op": "skip", "dst": dst, "why": why}

    def warn(self, code: str, message: str, coord) -> Warning_:
        for w in self.warnings:
            if w.code == code and w.message == message:
                return w
        self.warnings.append(Warning_(code, message, coord))
        return self.warnings[-1]
