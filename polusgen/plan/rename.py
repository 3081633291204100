"""Renaming pycparser ASTs into the patch's namespace, and printing them.

The patch holds two worlds in one translation unit.  Old types keep their
names; the new version of a changed type is renamed (`struct A` ->
`struct A_v1`, typedef `T` -> `T_v1`, enumerators of a changed enum
`DONE` -> `DONE_v1`).  In new-world code, references to changed or added
functions and globals become the patch's own symbols (`foo_v1`, `ab_v1`) and
references to the running program's unchanged functions and globals go
through the import table (`POLUS_OLD_calls`).

`Renamer` mutates a deep copy of a node.  What an identifier names is not
decided here: the frontend resolved every identifier once
(polusgen.frontend.scopes, FunctionEntity.refs); locals, struct member names and labels have no
resolution and are left alone.  `Printer` is polusgen.csyntax's SourceGenerator, which
re-spells the system macros the fake headers rewrote (va_arg, offsetof).
"""
from __future__ import annotations

import copy
from typing import Callable, Optional

from pycparser import c_ast

from polusgen.csyntax.cgen import SourceGenerator
from polusgen.model import ref_key


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


class Renamer(c_ast.NodeVisitor):
    """Rename one node (a deep copy) for one world.

    type_name(kind, name) -> new name or None   (kind: struct/union/enum/typedef)
    enumerator(name) -> new name or None
    ident(kind, key) -> replacement text or None (kind: global/function)
    refs: what the frontend resolved each identifier of the node to
          (FunctionEntity.refs, GlobalEntity.refs); identifiers it has no
          entry for (locals, members, labels) are left alone.  Without refs
          (a type) only enumerators are renamed.
    """

    def __init__(self, type_name: Callable[[str, str], Optional[str]],
                 enumerator: Callable[[str], Optional[str]],
                 ident: Optional[Callable[[str, str], Optional[str]]] = None,
                 refs: Optional[dict] = None):
        self.type_name = type_name
        self.enumerator = enumerator
        self.ident = ident
        self.refs = refs

    # ---------------------------------------------------------------- driver
    def rename(self, node: c_ast.Node) -> c_ast.Node:
        node = copy.deepcopy(node)
        self.visit(node)
        return node

    def visit(self, node) -> None:
        if node is not None:
            super().visit(node)

    def generic_visit(self, node) -> None:
        for _, child in node.children():
            self.visit(child)

    # ---------------------------------------------------------------- types
    def _tag(self, node, kind: str) -> None:
        if node.name:
            new = self.type_name(kind, node.name)
            if new:
                node.name = new
        self.generic_visit(node)

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

    # ---------------------------------------------------------------- identifiers
    def visit_ID(self, node) -> None:
        if self.refs is None:
            new = self.enumerator(node.name)
        else:
            ref = self.refs.get(ref_key(node))
            if ref is None:
                return
            kind, key = ref
            if kind == "enum":
                new = self.enumerator(node.name)
            else:
                new = self.ident(kind, key) if self.ident is not None else None
        if new:
            node.name = new
