"""C types as the plan sees them: typedefs resolved, "did it change"."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pycparser import c_ast

from polusgen.model import Program

from .rename import cprint


@dataclass
class Resolved:
    kind: str                 # scalar | opaque | struct | union | enum | ptr | array | func | unknown
    key: Optional[str]        # type key of a named struct/union/enum (or the system typedef for opaque)
    node: c_ast.Node          # Struct/Union with its body, Enum, PtrDecl, ArrayDecl, ...
    owner: Optional[str] = None   # for an anonymous struct/union body: the typedef that names it


def resolve(tnode: c_ast.Node, prog: Program) -> Resolved:
    owner: Optional[str] = None
    seen = 0
    while seen < 64:
        seen += 1
        if isinstance(tnode, c_ast.Typename):
            tnode = tnode.type
            continue
        if isinstance(tnode, c_ast.PtrDecl):
            return Resolved("ptr", None, tnode)
        if isinstance(tnode, c_ast.ArrayDecl):
            return Resolved("array", None, tnode)
        if isinstance(tnode, c_ast.FuncDecl):
            return Resolved("func", None, tnode)
        if not isinstance(tnode, c_ast.TypeDecl):
            return Resolved("unknown", None, tnode)
        inner = tnode.type
        if isinstance(inner, c_ast.IdentifierType):
            if len(inner.names) == 1:
                te = prog.types.get(f"typedef {inner.names[0]}")
                if te is not None:
                    if te.system:
                        return Resolved("opaque", te.key, tnode)
                    owner = te.key
                    tnode = te.node.type
                    continue
            return Resolved("scalar", None, tnode)
        if isinstance(inner, (c_ast.Struct, c_ast.Union)):
            kind = "struct" if isinstance(inner, c_ast.Struct) else "union"
            if inner.name:
                key = f"{kind} {inner.name}"
                te = prog.types.get(key)
                if te is not None and te.system:
                    return Resolved("opaque", key, tnode)
                body = inner if inner.decls is not None else (te.node if te is not None else inner)
                return Resolved(kind, key, body)
            return Resolved(kind, None, inner, owner)
        if isinstance(inner, c_ast.Enum):
            key = f"enum {inner.name}" if inner.name else None
            body = inner
            if inner.name and inner.values is None and key in prog.types:
                body = prog.types[key].node
            return Resolved("enum", key, body, owner)
        return Resolved("unknown", None, tnode)
    return Resolved("unknown", None, tnode)


def arithmetic(tnode: c_ast.Node, prog: Program) -> bool:
    """Is this type a number (an integer, a floating type or an enum),
    system typedefs followed too?  For a system typedef this is what the
    fake headers say (fake_libc_include/: arithmetic typedefs are written as
    such): a good guess, which the patch's static assertion checks against
    the real header when gcc builds it (templates/macros.j2, op "arith")."""
    for _ in range(64):
        if isinstance(tnode, c_ast.Typename):
            tnode = tnode.type
            continue
        if not isinstance(tnode, c_ast.TypeDecl):
            return False
        inner = tnode.type
        if isinstance(inner, c_ast.Enum):
            return True
        if not isinstance(inner, c_ast.IdentifierType):
            return False
        te = prog.types.get(f"typedef {inner.names[0]}") if len(inner.names) == 1 else None
        if te is None:
            return "void" not in inner.names
        tnode = te.node.type
    return False


def type_refs(node: c_ast.Node, prog: Program) -> set[str]:
    """Type keys a type node names directly (tags and typedef names)."""
    out: set[str] = set()

    def walk(n) -> None:
        if n is None:
            return
        if isinstance(n, (c_ast.Struct, c_ast.Union, c_ast.Enum)) and n.name:
            kind = {c_ast.Struct: "struct", c_ast.Union: "union", c_ast.Enum: "enum"}[type(n)]
            out.add(f"{kind} {n.name}")
        elif isinstance(n, c_ast.IdentifierType):
            for name in n.names:
                if f"typedef {name}" in prog.types:
                    out.add(f"typedef {name}")
        elif isinstance(n, c_ast.ID) and n.name in prog.enumerators:
            out.add(prog.enumerators[n.name])
        for _, c in n.children():
            walk(c)

    walk(node)
    return out


def same_type(old_t: c_ast.Node, new_t: c_ast.Node, old: Program, new: Program, changed: set[str]) -> bool:
    """Same spelling, and nothing it names changed: one C type in both worlds."""
    if _spell(old_t) != _spell(new_t):
        return False
    return not ((type_refs(old_t, old) | type_refs(new_t, new)) & changed)


def _spell(t: c_ast.Node) -> str:
    import copy

    from .rename import _set_declname

    t = copy.deepcopy(t)
    _set_declname(t, None)
    try:
        return cprint(c_ast.Typename(None, [], None, t))
    except Exception:  # pragma: no cover - odd nodes
        return repr(t)


def changed_records(changed_types: frozenset[str], prog: Program) -> frozenset[str]:
    """The changed types that are structs or unions, or typedefs naming one."""
    out = set()
    for key in changed_types:
        te = prog.types.get(key)
        if te is not None and (te.kind in ("struct", "union") or (
                te.kind == "typedef" and resolve(te.node.type, prog).kind in ("struct", "union"))):
            out.add(key)
    return frozenset(out)


def members(body: c_ast.Node) -> list[c_ast.Decl]:
    return [d for d in (getattr(body, "decls", None) or []) if isinstance(d, c_ast.Decl)]


def enumerator_names(enum: c_ast.Enum) -> list[str]:
    vals = getattr(enum, "values", None)
    return [e.name for e in vals.enumerators] if vals is not None else []
