"""The patch's code spelled in its names: every function, global, stub,
type and import of the Draft as C text (the verification step's first part).

Python decides here *what* is in the patch (which types, in which order, which
symbol every reference becomes); the templates under templates/ only decide
how it reads.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

import networkx as nx
from pycparser import c_ast

from polusgen.csyntax.arrays import implied_dim
from polusgen.model import Coord, Program, Status, Warning_, split_key

from .ctypes import resolve, same_type
from .draft import Draft, inlined_away
from .rename import Renamer, cprint, pointer_to, type_text
from .sync import SyncBuilder, ident_of

_WORLD_ORDER = {"old": 0, "both": 1, "new": 2}


@dataclass
class TypeItem:
    world: str          # old | new | both
    key: str
    text: str
    coord: Optional[Coord]


@dataclass
class FuncItem:
    key: str
    symbol: str
    proto: str
    text: str
    coord: Optional[Coord]
    reasons: list[str] = field(default_factory=list)


class PatchWriter:
    def __init__(self, plan: Draft, user_names: list[str] = (), user_code: Optional[str] = None):
        self.plan = plan
        self.cs = plan.cs
        self.old: Program = plan.cs.old
        self.new: Program = plan.cs.new
        self.user_names = list(user_names)
        self.user_code = user_code
        self.uses: dict[str, set[str]] = {"old": set(), "new": set()}
        self.tags: dict[str, None] = {}
        self.externs: dict[str, None] = {}
        self.overrides: dict[str, None] = {}
        self.warnings: list[Warning_] = []
        self._import_hits: list[str] = []
        # program functions the binary has no symbol for (gcc inlined them all
        # away): the patch carries a private copy instead of importing them
        self.binary_symbols: Optional[dict[tuple[str, Optional[str]], int]] = plan.binary_symbols
        self.copies: dict[str, str] = {}
        self.old_copies: dict[str, str] = {}       # the same for old code (old_code_renamer)
        self.anon_types: dict[str, str] = {}       # typedef name -> its definition (named_type)

    # ------------------------------------------------------------ renaming
    def _type_name(self, world: str):
        prog = self.old if world == "old" else self.new

        def fn(kind: str, name: str) -> Optional[str]:
            key = f"{kind} {name}"
            te = prog.types.get(key)
            if te is not None and not te.system:
                self.uses[world].add(key)
            new = None
            if world == "new" and key in self.plan.changed_types:
                new = self.plan.type_names.get(key) or None
            if kind in ("struct", "union"):
                self.tags.setdefault(f"{kind} {new or name}", None)
            return new
        return fn

    def _enumerator(self, world: str):
        prog = self.old if world == "old" else self.new

        def fn(name: str) -> Optional[str]:
            key = prog.enumerators.get(name)
            if key is None:
                return None
            self.uses[world].add(key)
            return self.plan.enumerators.get(name) if world == "new" else None
        return fn

    def _ident(self, const: bool = False):
        def fn(kind: str, key: str) -> Optional[str]:
            if key not in (self.new.functions if kind == "function" else self.new.globals):
                return None     # not the program's (libc's)
            sym = self.plan.symbol(kind, key)
            if sym is not None:
                return sym
            if kind == "global" and self.new.globals[key].extern_only:
                self.externs.setdefault(key, None)
                return None
            ch = (self.cs.functions if kind == "function" else self.cs.globals).get(key)
            if ch is None or ch.old is None:
                return None
            if kind == "function" and self._missing_in_binary(ch.old):
                if key not in self.copies:
                    self.copies[key] = f"{self.plan.bases[('function', key)]}_copy{self.plan.suffix}"
                return self.copies[key]
            imp = self.plan.import_for(kind, key)
            self._import_hits.append(key)
            return imp.macro + ("_C" if const else "")
        return fn

    def user_import(self, base: str) -> None:
        """User code names POLUS_OLD_<base>: import that symbol of the old program
        (unchanged, changed or deleted), found by the same unique base name."""
        for kind, section in (("global", self.old.globals), ("function", self.old.functions)):
            for key, ent in section.items():
                if getattr(ent, "extern_only", False):
                    continue
                if self.plan.bases.get((kind, key)) == base:
                    self.plan.import_for(kind, key)
                    return
        self.warn("user-code", f"user code names POLUS_OLD_{base}, but the old program has no such function "
                  "or global", None)

    def _missing_in_binary(self, ent) -> bool:
        """A static function of the program with no symbol of its own in the running binary."""
        return inlined_away(ent, self.plan.version_file, self.binary_symbols)

    def copy_items(self) -> list[FuncItem]:
        """Private copies of inlined-away static functions (and of what they call that is missing too)."""
        done: dict[str, FuncItem] = {}
        while len(done) < len(self.copies):
            for key, sym in list(self.copies.items()):
                if key in done:
                    continue
                ent = self.cs.old.functions.get(key) or self.cs.new.functions[key]
                ent = self.cs.new.functions.get(key) or ent
                node: c_ast.FuncDef = self.renamer("new", ent.refs).rename(ent.node)
                _rename_decl(node.decl, sym)
                node.decl.storage = ["static"]
                node.decl.funcspec = [f for f in node.decl.funcspec if f != "inline"]
                self.warn("inlined-copy", f"{key} has no symbol in the running binary (gcc inlined it into its "
                          f"callers): the patch carries its own copy, {sym}", ent.coord)
                done[key] = FuncItem(key, sym, cprint(node.decl), cprint(node).rstrip(), ent.coord,
                                     ["unchanged; a private copy: no symbol in the binary"])
        return list(done.values())

    def old_code_renamer(self, refs: dict) -> Renamer:
        """For old code compiled into the patch (where a rollback moves a
        never-left activation back to): old types, and every function and
        global of the old program reached through its import (a function
        the binary has no symbol for: a private copy of its old version)."""
        def ident(kind: str, key: str) -> Optional[str]:
            section = self.old.functions if kind == "function" else self.old.globals
            ent = section.get(key)
            if ent is None and "@" in key:       # a static of a renamed file: re-keyed by pair_files
                name, file = split_key(key)
                key, ent = next(((k, e) for k, e in section.items() if e.name == name and e.file == file),
                                (key, None))
            if ent is None:
                return None     # not the program's (libc's)
            if kind == "global" and ent.extern_only:
                self.externs.setdefault(key, None)
                return None
            if kind == "function" and self._missing_in_binary(ent):
                if key not in self.old_copies:
                    self.old_copies[key] = f"{self.plan.bases.get(('function', key)) or ident_of(ent.name)}" \
                                           f"_old_copy{self.plan.suffix}"
                return self.old_copies[key]
            return self.plan.import_for(kind, key).macro
        return Renamer(self._type_name("old"), self._enumerator("old"), ident, refs)

    def old_copy_items(self) -> list[FuncItem]:
        """Private copies of the old version of inlined-away static functions
        that old code compiled into the patch calls (and of what they call)."""
        done: dict[str, FuncItem] = {}
        while len(done) < len(self.old_copies):
            for key, sym in list(self.old_copies.items()):
                if key in done:
                    continue
                ent = self.old.functions[key]
                node: c_ast.FuncDef = self.old_code_renamer(ent.refs).rename(ent.node)
                _rename_decl(node.decl, sym)
                node.decl.storage = ["static"]
                node.decl.funcspec = [f for f in node.decl.funcspec if f != "inline"]
                done[key] = FuncItem(key, sym, cprint(node.decl), cprint(node).rstrip(), ent.coord,
                                     ["the old version; a private copy: no symbol in the binary"])
        return list(done.values())

    def renamer(self, world: str, refs: Optional[dict] = None, const: bool = False) -> Renamer:
        """refs: the frontend's resolution of the node's identifiers (None for a type)."""
        if world == "old":
            return Renamer(self._type_name("old"), self._enumerator("old"))
        return Renamer(self._type_name("new"), self._enumerator("new"), self._ident(const), refs)

    def spell(self, world: str, tnode, declname: Optional[str] = None) -> str:
        t = self.renamer(world).rename(tnode)
        return type_text(t, declname)

    def named_type(self, world: str, key: str, tnode):
        """Global `key`'s type with its anonymous struct/union body named by a
        typedef (`struct { ... } table[]` -> `table_t_new_v1 table[]`): the
        patch spells a global's type in several places, and each `struct { ... }`
        would be a type of its own (and a macro could not hold its lines)."""
        def body_holder(t):
            while isinstance(t, (c_ast.ArrayDecl, c_ast.PtrDecl)):
                t = t.type
            if isinstance(t, c_ast.TypeDecl) and isinstance(t.type, (c_ast.Struct, c_ast.Union)) \
                    and not t.type.name and t.type.decls is not None:
                return t
            return None

        if body_holder(tnode) is None:
            return tnode
        name = f"{ident_of(self.plan.bases.get(('global', key)) or key)}_t_{world}{self.plan.suffix}"
        out = copy.deepcopy(tnode)
        holder = body_holder(out)
        if name not in self.anon_types:
            td = c_ast.Typedef(name, [], ["typedef"], c_ast.TypeDecl(name, [], None, holder.type))
            self.anon_types[name] = cprint(self.renamer(world).rename(td)) + ";"
        holder.type = c_ast.IdentifierType([name])
        return out

    def enumerator_new(self, name: str) -> str:
        return self.plan.enumerators.get(name, name)

    def type_spelling(self, key: str, world: str) -> str:
        kind, _, name = key.partition(" ")
        self.uses[world].add(key)
        if world == "new" and key in self.plan.changed_types:
            name = self.plan.type_names[key]
        if kind in ("struct", "union"):
            self.tags.setdefault(f"{kind} {name}", None)
        return name if kind == "typedef" else f"{kind} {name}"

    def type_coord(self, key: str) -> Optional[Coord]:
        te = self.new.types.get(key) or self.old.types.get(key)
        return te.coord if te is not None else None

    def override(self, name: str) -> str:
        """`polus_<what>` is replaced by `user_polus_<what>` when the user defines it."""
        self.overrides.setdefault(name, None)
        return "POLUS_SEL_" + name[len("polus_"):]

    # ------------------------------------------------------------ functions and globals
    def function_item(self, key: str) -> FuncItem:
        ch = self.cs.functions[key]
        ent = ch.new
        sym = self.plan.symbol("function", key)
        node: c_ast.FuncDef = self.renamer("new", ent.refs).rename(ent.node)
        _rename_decl(node.decl, sym)
        node.decl.funcspec = [f for f in node.decl.funcspec if f != "inline"]
        proto = cprint(node.decl)
        return FuncItem(key, sym, proto, cprint(node).rstrip(), ent.coord, list(ch.reasons))

    def global_item(self, key: str) -> dict:
        ch = self.cs.globals[key]
        ent = ch.new
        sym = self.plan.symbol("global", key)
        decl: c_ast.Decl = copy.deepcopy(ent.node)
        _strip_nested_bodies(decl.type, top=None)
        decl.type = self.named_type("new", key, decl.type)
        init = decl.init
        decl.init = None
        decl = self.renamer("new", ent.refs).rename(decl)
        _rename_decl(decl, sym)
        init_text, runtime_init = None, None
        if init is not None:
            before = len(self._import_hits)
            normal = self.renamer("new", ent.refs).rename(init)
            if len(self._import_hits) > before:
                # refers to the running program: a constant placeholder now, the real value at registration
                const_init = self.renamer("new", ent.refs, const=True).rename(init)
                init_text = _init_text(const_init)
                literal_t = type_text(decl.type, None)
                # written once at registration: a const object would sit in read-only memory
                _drop_object_const(decl)
                runtime_init = {"symbol": sym, "type": literal_t, "init": _init_text(normal, braces=True)}
            else:
                init_text = _init_text(normal)
        return {"key": key, "symbol": sym, "decl": cprint(decl), "init": init_text,
                "runtime_init": runtime_init, "coord": str(ent.coord), "status": ch.status.value,
                "reasons": list(ch.reasons)}

    # ------------------------------------------------------------ stubs
    def stub_item(self, st) -> dict:
        ch = self.cs.functions[st.key]
        old_decl = self.renamer("old").rename(ch.old.node.decl)
        _rename_decl(old_decl, st.symbol)
        old_decl.funcspec = [f for f in old_decl.funcspec if f != "inline"]
        ofd, nfd = ch.old.node.decl.type, ch.new.node.decl.type
        oparams = _params(ofd)
        nparams = _params(nfd)
        variadic = nfd.args is not None and any(isinstance(q, c_ast.EllipsisParam) for q in nfd.args.params)
        # each new parameter takes the old one of its name, else the old one in its
        # place, else the first unused old one of the same type
        by_name = {p.name: p for p in oparams if p.name}
        new_names = {q.name for q in nparams}
        chosen: list = []
        for i, p in enumerate(nparams):
            op = by_name.get(p.name) if p.name else None
            if op is None and i < len(oparams) and not (oparams[i].name and oparams[i].name in new_names):
                op = oparams[i]
            chosen.append(op)
        for i, p in enumerate(nparams):
            if chosen[i] is not None:
                continue
            for q in oparams:
                if q not in chosen and same_type(q.type, p.type, self.old, self.new, self.plan.changed_types):
                    chosen[i] = q
                    self.warn("stub", f"stub for {st.key}: the new parameter {p.name or i} gets the old parameter "
                              f"{q.name} (same type); define user_polus_stub_{ident_of(st.key)} if that is wrong",
                              ch.new.coord)
                    break
        args, fallbacks = [], []
        for i, p in enumerate(nparams):
            op = chosen[i]
            if op is None:
                args.append("0")
                self.warn("stub", f"stub for {st.key}: the new parameter {p.name or i} has no old counterpart; "
                          f"the stub passes 0 (define user_polus_stub_{ident_of(st.key)} to do better)", ch.new.coord)
                continue
            arg = self._convert_arg(op, p, st.key, ch, fallbacks)
            if variadic and i == len(nparams) - 1 and _is_char_pointer(p.type, self.new):
                # the old text becomes the new printf-like function's format: pass it as "%s"
                args.extend(['"%s"', arg])
                continue
            args.append(arg)
        ret = ch.new.node.decl.type.type
        oret = ch.old.node.decl.type.type
        void = _is_void(oret)
        wrap = ("", "")
        if not void and not same_type(oret, ret, self.old, self.new, self.plan.changed_types):
            ro, rn = resolve(oret, self.old), resolve(ret, self.new)
            if ro.kind == rn.kind == "ptr":
                wrap = (f"({self.spell('old', oret)})polus_counterpart(", ")")
                self.warn("stub", f"stub for {st.key}: it returns a pointer to a changed type; the stub returns "
                          "the registered old counterpart (NULL if the object has none)", ch.new.coord)
            elif not (ro.kind in ("scalar", "enum") and rn.kind in ("scalar", "enum")):
                self.warn("stub", f"stub for {st.key}: the return type changed incompatibly; define "
                          f"user_polus_stub_{ident_of(st.key)}", ch.new.coord)
        return {"key": st.key, "symbol": st.symbol, "target": st.target, "proto": cprint(old_decl),
                "args": args, "void": void, "callers": st.callers,
                "params": [p.name for p in oparams if p.name], "user": f"stub_{ident_of(st.key)}",
                "ret_open": wrap[0], "ret_close": wrap[1], "fallbacks": fallbacks,
                "ret_type": self.spell("old", oret) if not void else "void"}

    def _convert_arg(self, op, p, key, ch, fallbacks: list) -> str:
        if same_type(op.type, p.type, self.old, self.new, self.plan.changed_types):
            return op.name
        ro, rn = resolve(op.type, self.old), resolve(p.type, self.new)
        if ro.kind == rn.kind == "ptr":
            nt = self.spell("new", p.type)
            to, tn = resolve(ro.node.type, self.old), resolve(rn.node.type, self.new)
            if to.kind == tn.kind == "struct" and (to.key or to.owner) == (tn.key or tn.owner):
                # an object with no counterpart (on a stack, say) is never passed as NULL: the stub
                # gives new code a copy and carries it back after the call (render_patch: the ops)
                old_t, new_t = copy.deepcopy(ro.node.type), copy.deepcopy(rn.node.type)
                for t in (old_t, new_t):
                    if isinstance(t, c_ast.TypeDecl):
                        t.quals = []
                fallbacks.append({"name": op.name, "arg": self.spell("new", p.type, f"polus_arg_{op.name}"),
                                  "copy_decl": self.spell("new", new_t, f"polus_copy_{op.name}"),
                                  "ptr": nt, "old_ptr": self.spell("old", pointer_to(old_t)),
                                  "old_t": old_t, "new_t": new_t, "coord": ch.new.coord})
                self.warn("stub", f"stub for {key}: parameter {op.name} points to a changed type; the stub passes "
                          "the registered counterpart, or a copy carried back after the call if the object has "
                          "none", ch.new.coord)
                return f"polus_arg_{op.name}"
            self.warn("stub", f"stub for {key}: parameter {op.name} points to a changed type; the stub passes the "
                      "registered counterpart (NULL if the object has none)", ch.new.coord)
            return f"({nt})polus_counterpart({op.name})"
        if ro.kind in ("scalar", "enum") and rn.kind in ("scalar", "enum"):
            return op.name
        self.warn("stub", f"stub for {key}: parameter {op.name} changed type incompatibly; passes 0", ch.new.coord)
        return "0"

    # ------------------------------------------------------------ types
    def type_items(self) -> list[TypeItem]:
        cs = self.cs

        def node_for(world: str, key: str) -> Optional[tuple[str, str]]:
            ch = cs.types.get(key)
            if world == "old":
                if key not in self.old.types or self.old.types[key].system:
                    return None
                if ch is not None and ch.status in (Status.CHANGED, Status.DELETED):
                    return ("old", key)
                return ("both", key) if key in self.new.types else ("old", key)
            if key not in self.new.types or self.new.types[key].system:
                return None
            if ch is not None and ch.status is Status.CHANGED:
                return ("new", key)
            return ("both", key)

        def entity(node):
            world, key = node
            return self.old.types[key] if world == "old" else self.new.types[key]

        nested = {**_nested_ids(self.old), **_nested_ids(self.new)}
        todo = [n for w in ("old", "new") for k in sorted(self.uses[w]) if (n := node_for(w, k))]
        seen: set = set()
        g = nx.DiGraph()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            g.add_node(n)
            e = entity(n)
            w = "old" if n[0] == "old" else "new"
            if id(e.node) in nested and (m := node_for(w, nested[id(e.node)])) is not None:
                todo.append(m)      # its constants are declared by the type whose definition holds it
                g.add_edge(m, n)
            for dep in sorted(e.deps):
                m = node_for(w, dep)
                if m is None:
                    continue
                todo.append(m)
                if _needs_before(e, dep):
                    g.add_edge(m, n)
            for dep in sorted(_held_through_typedefs(e, (self.old if w == "old" else self.new).types)):
                if (m := node_for(w, dep)) is not None:
                    todo.append(m)
                    g.add_edge(m, n)
        order_key = {}
        for n in g.nodes:
            e = entity(n)
            order_key[n] = f"{e.coord.file}:{e.coord.line:08d}:{_WORLD_ORDER[n[0]]}:{n[1]}"
        try:
            order = list(nx.lexicographical_topological_sort(g, key=lambda n: order_key[n]))
        except nx.NetworkXUnfeasible:
            order = sorted(g.nodes, key=lambda n: order_key[n])
        items = []
        for n in order:
            e = entity(n)
            if id(e.node) in nested:
                continue   # defined inside another type's definition (an anonymous enum in a struct)
            node = copy.deepcopy(e.node)
            _strip_nested_bodies(node, top=node)
            node = self.merged_view(self.old if n[0] == "old" else self.new, n[1], node)
            r = self.renamer("old" if n[0] == "old" else "new").rename(node)
            items.append(TypeItem(n[0], n[1], cprint(r) + ";", e.coord))
        return items

    def merged_view(self, prog: Program, key: str, node):
        """A struct that reads differently in another translation unit (the
        frontend's type-conflict warning: e.g. str.c renames the members of
        struct mystr with macros) but has the same layout: members whose names
        differ become anonymous unions, so code from either file compiles."""
        if not isinstance(node, (c_ast.Struct, c_ast.Union)) or not node.decls:
            return node
        for file, alt_node in prog.type_variants.get(key, []):
            alt = copy.deepcopy(alt_node)
            _strip_nested_bodies(alt, top=alt)
            where = self.type_coord(key)
            if len(alt.decls or []) != len(node.decls):
                self.warn("type-conflict", f"{key} differs in {file} and cannot be merged: code from "
                          f"{file} may not compile", where)
                continue
            decls = []
            for a, b in zip(node.decls, alt.decls):
                if a.name == b.name or a.name is None or b.name is None:
                    decls.append(a)
                    continue
                if _type_spelling(a.type) != _type_spelling(b.type) or a.bitsize is not None:
                    self.warn("type-conflict", f"{key}.{a.name} is {b.name} of another type in {file}; "
                              "not merged", where)
                    decls.append(a)
                    continue
                decls.append(c_ast.Decl(None, [], [], [], [], c_ast.Union(None, [a, copy.deepcopy(b)]), None, None))
            node.decls = decls
        return node

    def warn(self, code: str, message: str, coord) -> None:
        if not any(w.code == code and w.message == message for w in self.warnings):
            self.warnings.append(Warning_(code, message, coord))

    # ------------------------------------------------------------ import macros
    def import_macros(self) -> list[dict]:
        out = []
        for i, imp in enumerate(self.plan.imports):
            if imp.kind == "data":
                world = "old" if imp.key in self.cs.changed_globals or imp.key not in self.new.globals else "new"
                prog = self.old if world == "old" else self.new
                ent = prog.globals.get(imp.key) or self.old.globals[imp.key]
                tnode = self.named_type(world, imp.key, completed_type(ent.node))
                ptr = self.spell(world, pointer_to(tnode))
                out.append({"macro": imp.macro, "index": i, "expr": f"(*({ptr})polus_imports[{i}].addr)",
                            "const_expr": f"(*({ptr})0)", "name": imp.name, "kind": imp.kind})
            elif imp.used:
                # a signature that changed is called only by old code (the
                # old copies a rollback moves back into): its old type
                ch = self.cs.functions.get(imp.key)
                world = "new" if imp.key in self.new.functions and not (ch and ch.signature_changed) else "old"
                ent = (self.new if world == "new" else self.old).functions[imp.key]
                fd = copy.deepcopy(ent.node.decl.type)
                ptr = self.spell(world, pointer_to(fd))
                # a function designator, like the name it replaces: calls, `&f` and plain `f` all work
                out.append({"macro": imp.macro, "index": i, "expr": f"(*({ptr})polus_imports[{i}].addr)",
                            "const_expr": f"(*({ptr})0)", "name": imp.name, "kind": imp.kind})
        return out

    def extern_items(self) -> list[str]:
        out = []
        for key in self.externs:
            ent = self.new.globals[key]
            d = copy.deepcopy(ent.node)
            _strip_nested_bodies(d.type, top=None)
            d.type = self.named_type("new", key, d.type)
            d = self.renamer("new", ent.refs).rename(d)
            out.append(cprint(d) + ";")
        return out

    # ------------------------------------------------------------ heap and aliases
    def heap_analysis(self, sb: SyncBuilder) -> None:
        for key, h in sb.heap.items():
            refs, self_refs = [], []
            for tk, te in self.new.types.items():
                if te.system or te.kind not in ("struct", "union"):
                    continue
                for m in (getattr(te.node, "decls", None) or []):
                    if isinstance(m, c_ast.Decl) and _points_to(m.type, key, self.new):
                        (self_refs if tk == key else refs).append(f"{tk}.{m.name}")
            for gk, ge in self.new.globals.items():
                if not ge.extern_only and _points_to(ge.node.type, key, self.new):
                    refs.append(gk)
            # objects of the type that live inside globals (not on the heap): a pointer into
            # them gets a separate new object instead of the global's new copy
            holders = sorted(gk for gk, ge in self.new.globals.items()
                             if not ge.extern_only and _holds(ge.node.type, key, self.new))
            if holders and (refs or self_refs):
                self.warn("alias", f"pointers to {key} may point into {', '.join(holders)} (not the heap): "
                          "the tracing code would give such an object a separate new copy instead of its place "
                          f"in the new global; fill user_polus_heap_{h.ident}() to fix them up", h.coord)
                h.aliased = True
            # a list (one global, one `next`) reaches each object once; more ways in are aliases
            if len(refs) > 1 or len(self_refs) > 1:
                refs = refs + self_refs
                h.aliased = True
                self.warn("alias", f"{key} is reached through more than one pointer ({', '.join(sorted(refs))}): "
                          "the tracing code translates every pointer it walks through polus_counterpart, but "
                          "pointers it cannot see (locals, untyped memory) still point to old objects; fill "
                          f"user_polus_heap_{h.ident}() to fix them up", h.coord)
        for prog in (self.new, self.old):      # the new code's place first; old-only functions too
            for fk, fe in sorted(prog.functions.items()):
                for cast in _casts(fe.node):
                    r = resolve(cast.to_type.type, prog)
                    target = None
                    if r.kind == "ptr":
                        pr = resolve(r.node.type, prog)
                        target = pr.key or pr.owner
                    if target in self.plan.changed_records:
                        line = cast.coord.line if cast.coord is not None else fe.coord.line
                        self.warn("void-cast", f"{fk} casts a pointer to {target}, a changed type: objects reached "
                                  "through untyped pointers are not traced or synchronized",
                                  Coord(fe.coord.file, line))


# ---------------------------------------------------------------- helpers

def completed_type(decl: c_ast.Decl) -> c_ast.Node:
    """The declared type of a global, with the length of an array sized by its
    initializer filled in (`char v[] = "1.0"` -> `char [sizeof("1.0")]`,
    polusgen.csyntax.arrays), so that the patch can take its size."""
    t = copy.deepcopy(decl.type)
    _strip_nested_bodies(t, top=None)
    if isinstance(t, c_ast.ArrayDecl) and t.dim is None:
        t.dim = implied_dim(decl)
    return t


def _type_spelling(t) -> str:
    return type_text(t, None)


def _drop_object_const(decl: c_ast.Decl) -> None:
    """`const T x` / `const T x[N]` -> `T x` / `T x[N]` (the object itself, not what it points to)."""
    decl.quals = [q for q in decl.quals if q != "const"]
    t = decl.type
    while isinstance(t, c_ast.ArrayDecl):
        t = t.type
    if isinstance(t, (c_ast.TypeDecl, c_ast.PtrDecl)):
        t.quals = [q for q in t.quals if q != "const"]


def _init_text(init, braces: bool = False) -> str:
    text = cprint(init)
    if isinstance(init, c_ast.InitList) or braces:
        return "{" + text + "}"
    return text


def _rename_decl(decl: c_ast.Decl, name: str) -> None:
    from .rename import _set_declname

    decl.name = name
    decl.storage = [s for s in decl.storage if s not in ("static", "extern")]
    _set_declname(decl.type, name)


def _params(fd: c_ast.FuncDecl) -> list:
    if fd.args is None:
        return []
    ps = [p for p in fd.args.params if isinstance(p, c_ast.Decl)]
    if len(ps) == 1 and _is_void(ps[0].type) and not ps[0].name:
        return []
    return ps


def _is_char_pointer(t, prog: Program) -> bool:
    r = resolve(t, prog)
    if r.kind != "ptr":
        return False
    pt = r.node.type
    return (isinstance(pt, c_ast.TypeDecl) and isinstance(pt.type, c_ast.IdentifierType)
            and pt.type.names[-1] == "char")


def _is_void(t) -> bool:
    return (isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.IdentifierType)
            and t.type.names == ["void"])


def _needs_before(e, dep: str) -> bool:
    dkind = dep.split(" ", 1)[0]
    if dkind in ("typedef", "enum"):
        return True
    if dep not in e.deps_by_value:
        return False
    if e.kind == "typedef":
        t = e.node.type
        if isinstance(t, c_ast.TypeDecl) and isinstance(t.type, (c_ast.Struct, c_ast.Union)) and t.type.name:
            return False   # typedef struct X T: a forward declaration is enough
    return True


def _held_through_typedefs(e, types) -> set[str]:
    """The structs, unions and enums e holds by value through typedef names
    (`T member;` with `typedef union U T;`): their complete definitions must
    come before e, not only the typedef, which needs a forward declaration."""
    out: set[str] = set()
    todo = [d for d in e.deps_by_value if d.startswith("typedef ")]
    seen: set[str] = set()
    while todo:
        t = todo.pop()
        if t in seen or t not in types:
            continue
        seen.add(t)
        for d in types[t].deps_by_value:
            if d.startswith("typedef "):
                todo.append(d)
            else:
                out.add(d)
    return out


def _strip_nested_bodies(node, top) -> None:
    """Named struct/union/enum bodies inside `node` are their own type items: leave a reference."""
    if node is None:
        return
    if node is not top and isinstance(node, (c_ast.Struct, c_ast.Union)) and node.name and node.decls is not None:
        node.decls = None
        return
    if node is not top and isinstance(node, c_ast.Enum) and node.name and node.values is not None:
        node.values = None
        return
    for _, c in node.children():
        _strip_nested_bodies(c, top)


def _nested_ids(prog: Program) -> dict[int, str]:
    """ids of anonymous enum nodes that are part of another type's definition -> that type's key."""
    out: dict[int, str] = {}
    for key, te in prog.types.items():
        if te.system:
            continue

        def walk(n, top):
            for _, c in n.children():
                if isinstance(c, c_ast.Enum) and c is not top and not c.name:
                    out[id(c)] = key
                walk(c, top)
        walk(te.node, te.node)
    return out


def _points_to(tnode, key: str, prog: Program) -> bool:
    r = resolve(tnode, prog)
    if r.kind == "ptr":
        pr = resolve(r.node.type, prog)
        return (pr.key or pr.owner) == key
    if r.kind == "array":
        return _points_to(r.node.type, key, prog)
    return False


def _holds(tnode, key: str, prog: Program) -> bool:
    """Does a global of this type contain an object of type `key` by value?"""
    r = resolve(tnode, prog)
    if r.kind == "array":
        return _holds(r.node.type, key, prog)
    if r.kind in ("struct", "union"):
        if (r.key or r.owner) == key:
            return True
        return any(_holds(m.type, key, prog) for m in (getattr(r.node, "decls", None) or [])
                   if isinstance(m, c_ast.Decl))
    return False


def _casts(node):
    out = []

    def walk(n):
        if isinstance(n, c_ast.Cast):
            out.append(n)
        for _, c in n.children():
            walk(c)
    if node is not None:
        walk(node)
    return out
