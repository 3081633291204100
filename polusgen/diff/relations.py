"""How a declaration refers to a type: the words of a change's reason.

`relation(node, key)` walks a pycparser declaration (a struct/union
definition, a typedef, a global's Decl) and says how it reaches the type
`key`: it *contains* it, *points to* it, *is an array of* it, *aliases* it or
*uses it in a function-pointer type*.  A pointer anywhere on the way wins
over an array (an array of pointers only points), a function type wins over
both (a parameter of a function pointer is neither contained nor pointed to
by the declaration itself).
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from pycparser import c_ast

CONTAINS = "contains"
POINTS_TO = "points to"
ARRAY_OF = "is an array of"
ALIASES = "aliases"
FUNCTION_POINTER = "uses in a function-pointer type"
REFERS_TO = "refers to"

_TAGS = {c_ast.Struct: "struct", c_ast.Union: "union", c_ast.Enum: "enum"}


def type_key_of(node: Any) -> Optional[str]:
    """The type key a type-name node names: Struct/Union/Enum -> "struct A",
    IdentifierType of a typedef name -> "typedef T" (builtins give a key
    that no program defines, which is harmless)."""
    for cls, tag in _TAGS.items():
        if isinstance(node, cls):
            return f"{tag} {node.name}" if node.name else None
    if isinstance(node, c_ast.IdentifierType) and node.names:
        return f"typedef {node.names[-1]}"
    return None


def _walk(node: Any, path: tuple, root: Any) -> Iterator[tuple[str, tuple]]:
    if node is None:
        return
    key = type_key_of(node)
    if key is not None and node is not root:
        yield key, path
    if isinstance(node, (c_ast.PtrDecl, c_ast.ArrayDecl, c_ast.FuncDecl)):
        path = path + (type(node).__name__,)
    for _, child in node.children():
        # an array's dimension or a bitfield width is an expression, not a use of the type
        if isinstance(node, c_ast.ArrayDecl) and child is node.dim:
            continue
        yield from _walk(child, path, root)


def relation(node: Any, key: str, *, alias: bool = False) -> str:
    """The strongest way `node` reaches `key` (one of the constants above)."""
    found: list[tuple] = [p for k, p in _walk(node, (), node) if k == key] if node is not None else []
    if not found:
        return REFERS_TO
    # by-value uses first: they are the ones that change a layout
    ranked = sorted(found, key=_rank)
    path = ranked[0]
    if "FuncDecl" in path:
        return FUNCTION_POINTER
    if "PtrDecl" in path:
        return POINTS_TO
    if "ArrayDecl" in path:
        return ARRAY_OF
    return ALIASES if alias else CONTAINS


def _rank(path: tuple) -> int:
    if "FuncDecl" in path:
        return 3
    if "PtrDecl" in path:
        return 2
    if "ArrayDecl" in path:
        return 1
    return 0


def phrase(rel: str, what: str, key: str) -> str:
    """"contains changed type struct A", "uses changed type T in a function-pointer type"."""
    if rel == FUNCTION_POINTER:
        return f"uses {what} {key} in a function-pointer type"
    return f"{rel} {what} {key}"
