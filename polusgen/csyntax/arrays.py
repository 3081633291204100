"""The length of an array declared without one, from its initializer
(`T x[] = {...}`, `char s[] = "..."`): one rule for the diff (did the object
grow or shrink?) and the plan (the patch spells the complete type to take
its size).

    implied_dim(decl)     -> the length as a C expression, or None
    implied_length(decl)  -> the same length as a number, or None
    designators(decl)     -> what an unknown length depends on

A string's length is `sizeof` of the literal in C (gcc counts the escapes and
the strings of system macros); a list's is its last element's index + 1, with
`[N] =` designators of integer constants (macros are expanded by then).  A
designator naming anything else (an enumerator) makes the length unknown.
"""
from __future__ import annotations

import copy
import re
from typing import Optional

from pycparser import c_ast

from .cgen import generate


def implied_dim(decl: c_ast.Decl) -> Optional[c_ast.Node]:
    t = getattr(decl, "type", None)
    init = getattr(decl, "init", None)
    if not isinstance(t, c_ast.ArrayDecl) or t.dim is not None:
        return None
    if isinstance(init, c_ast.Constant) and init.type == "string":
        return c_ast.UnaryOp("sizeof", copy.deepcopy(init))
    if isinstance(init, c_ast.InitList):
        n = _list_length(init)
        return c_ast.Constant("int", str(n)) if n is not None else None
    return None


def implied_length(decl: c_ast.Decl) -> Optional[int]:
    dim = implied_dim(decl)
    if isinstance(dim, c_ast.Constant):
        return int(dim.value)
    if isinstance(dim, c_ast.UnaryOp):
        # the literal's bytes: escapes count as one character, plus the final NUL
        return len(dim.expr.value[1:-1].encode().decode("unicode_escape")) + 1
    return None


def designators(decl: c_ast.Decl) -> Optional[tuple[str, ...]]:
    """For an array sized by an initializer list, each element's designator
    as text ("" for a positional one): the same designators in the same order
    make the same length even when it is unknown here."""
    t, init = getattr(decl, "type", None), getattr(decl, "init", None)
    if not isinstance(t, c_ast.ArrayDecl) or t.dim is not None or not isinstance(init, c_ast.InitList):
        return None
    return tuple("".join(generate(n) for n in e.name) if isinstance(e, c_ast.NamedInitializer) else ""
                 for e in init.exprs)


def _list_length(init: c_ast.InitList) -> Optional[int]:
    pos = length = 0
    for e in init.exprs:
        if isinstance(e, c_ast.NamedInitializer):
            index = _int_constant(e.name[0]) if e.name else None
            if index is None:
                return None
            pos = index
        pos += 1
        length = max(length, pos)
    return length


def _int_constant(node) -> Optional[int]:
    if not (isinstance(node, c_ast.Constant) and node.type.endswith("int")):
        return None
    text = re.sub(r"[uUlL]+$", "", node.value)
    try:
        return int(text, 8) if re.fullmatch(r"0[0-7]+", text) else int(text, 0)
    except ValueError:
        return None
