"""Renaming pycparser ASTs into the patch's namespace, and printing them.

The patch holds two worlds in one translation unit.  Old types keep their
names; the new version of a changed type is renamed (`struct A` ->
`struct A_v1`, typedef `T` -> `T_v1`, enumerators of a changed enum
`DONE` -> `DONE_v1`).  In new-world code, references to changed or added
functions and globals become the patch's own symbols (`foo_v1`, `ab_v1`) and
references to the running program's unchanged functions and globals go
through the import table (`POLUS_OLD_calls`).

`Renamer` mutates a deep copy of a node; locals that shadow a global, struct
member names (`a->field`, `.field =` designators, `offsetof(T, field)`) and
labels are left alone.  `Printer` is the frontend's SourceGenerator, which
re-spells the system macros the fake headers rewrote (va_arg, offsetof).
"""
from __future__ import annotations

import copy
from typing import Callable, Optional

from pycparser import c_ast

from polusgen.frontend.cgen import REWRITTEN_MACROS, SourceGenerator
from polusgen.model import Program, static_key


class Printer(SourceGenerator):
    """C text of (renamed) nodes; one instance per top-level item."""


def cprint(node: c_ast.Node) -> str:
    return Printer().visit(node)


def type_text(tnode: c_ast.Node, declname: Optional[str] = None) -> str:
    """A declarator type (TypeDecl/PtrDecl/ArrayDecl/FuncDecl) spelled with
    `declname` (None: abstract, e.g. "long (*)[4]")."""
    t = copy.deepcopy(tnode)
    _set_declname(t, declname)
    if declname is None:
        return Printer()._generate_type(c_ast.Typename(None, [], None, t), emit_declname=False)
    return Printer()._generate_type(t)


def pointer_to(tnode: c_ast.Node) -> c_ast.Node:
    """`T` -> `T *` (as a declarator tree; the declname stays innermost)."""
    return c_ast.PtrDecl([], copy.deepcopy(tnode))


def _set_declname(t: c_ast.Node, name: Optional[str]) -> None:
    while not isinstance(t, c_ast.TypeDecl):
        if isinstance(t, c_ast.FuncDecl):
            t = t.type
        elif isinstance(t, (c_ast.PtrDecl, c_ast.ArrayDecl)):
            t = t.type
        else:
            return
    t.declname = name


class Renamer:
    """Rename one node (a deep copy) for one world.

    type_name(kind, name) -> new name or None   (kind: struct/union/enum/typedef)
    enumerator(name) -> new name or None
    ident(name, file) -> replacement text or None  (only for non-local IDs)
    """

    def __init__(self, type_name: Callable[[str, str], Optional[str]],
                 enumerator: Callable[[str], Optional[str]],
                 ident: Optional[Callable[[str], Optional[str]]] = None):
        self.type_name = type_name
        self.enumerator = enumerator
        self.ident = ident
        self.scopes: list[set[str]] = []

    # ---------------------------------------------------------------- driver
    def rename(self, node: c_ast.Node) -> c_ast.Node:
        node = copy.deepcopy(node)
        self.visit(node)
        return node

    def visit(self, node) -> None:
        if node is None:
            return
        m = getattr(self, "visit_" + type(node).__name__, None)
        if m is not None:
            m(node)
        else:
            self.generic(node)

    def generic(self, node) -> None:
        for _, child in node.children():
            self.visit(child)

    def _local(self, name: str) -> bool:
        return any(name in s for s in self.scopes)

    # ---------------------------------------------------------------- types
    def _tag(self, node, kind: str) -> None:
        if node.name:
            new = self.type_name(kind, node.name)
            if new:
                node.name = new
        self.generic(node)

    def visit_Struct(self, node) -> None:
        self._tag(node, "struct")

    def visit_Union(self, node) -> None:
        self._tag(node, "union")

    def visit_Enum(self, node) -> None:
        self._tag(node, "enum")

    def visit_Enumerator(self, node) -> None:
        new = self.enumerator(node.name)
        if new:
            node.name = new
        self.visit(node.value)

    def visit_IdentifierType(self, node) -> None:
        node.names = [self.type_name("typedef", n) or n for n in node.names]

    def visit_Typedef(self, node) -> None:
        new = self.type_name("typedef", node.name)
        if new:
            node.name = new
            _set_declname(node.type, new)
        self.visit(node.type)

    # ---------------------------------------------------------------- scopes
    def visit_FuncDef(self, node) -> None:
        self.visit(node.decl.type)
        params: set[str] = set()
        fd = node.decl.type
        if isinstance(fd, c_ast.FuncDecl) and fd.args is not None:
            for p in fd.args.params:
                if isinstance(p, c_ast.Decl) and p.name:
                    params.add(p.name)
                elif isinstance(p, c_ast.ID):
                    params.add(p.name)
        for d in node.param_decls or []:
            self.visit(d)
            if d.name:
                params.add(d.name)
        self.scopes.append(params)
        self.visit(node.body)
        self.scopes.pop()

    def visit_Compound(self, node) -> None:
        self.scopes.append(set())
        for item in node.block_items or []:
            self.visit(item)
        self.scopes.pop()

    def visit_For(self, node) -> None:
        self.scopes.append(set())
        self.generic(node)
        self.scopes.pop()

    def visit_FuncDecl(self, node) -> None:
        # parameter names are local to the prototype
        self.scopes.append(set())
        if node.args is not None:
            for p in node.args.params:
                if isinstance(p, c_ast.Decl):
                    self.visit(p.type)
                    if p.name:
                        self.scopes[-1].add(p.name)
                elif not isinstance(p, c_ast.ID):
                    self.visit(p)
        self.scopes.pop()
        self.visit(node.type)

    def visit_Decl(self, node) -> None:
        self.visit(node.type)
        if self.scopes and node.name:
            self.scopes[-1].add(node.name)
        self.visit(node.init)
        self.visit(node.bitsize)

    # ---------------------------------------------------------------- expressions
    def visit_StructRef(self, node) -> None:
        self.visit(node.name)           # not node.field: a member name

    def visit_NamedInitializer(self, node) -> None:
        for n in node.name:
            if not isinstance(n, c_ast.ID):
                self.visit(n)           # [index] designators are expressions
        self.visit(node.expr)

    def visit_FuncCall(self, node) -> None:
        if isinstance(node.name, c_ast.ID) and node.name.name in REWRITTEN_MACROS and node.args is not None:
            _, type_args = REWRITTEN_MACROS[node.name.name]
            for i, a in enumerate(node.args.exprs):
                if i in type_args or node.name.name != "__polus_offsetof":
                    self.visit(a)       # offsetof's member designator is not an expression
            return
        self.generic(node)

    def visit_ID(self, node) -> None:
        if self._local(node.name):
            return
        new = self.enumerator(node.name)
        if new:
            node.name = new
            return
        if self.ident is not None:
            new = self.ident(node.name)
            if new:
                node.name = new


def resolve_ident(prog: Program, name: str, file: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(kind, key) of a program function or global named `name` seen in `file`."""
    if file is not None:
        k = static_key(name, file)
        if k in prog.functions:
            return "function", k
        if k in prog.globals:
            return "global", k
    if name in prog.functions:
        return "function", name
    if name in prog.globals:
        return "global", name
    return None, None
