"""The source side of a transfer point: which call of a function's body it is,
which variables are live after it, and the resume entry made from a body.

A resume entry is the function's (new) body entered in the middle: it starts
with a `goto` to a label placed just before the statement that holds the
call; the call itself is replaced by the value it returned in the old
activation the first time the statement runs (a `__polus_resuming` flag), and
the live variables get the old activation's values there.  Variables the old
frame must keep (arrays, variables whose address is taken) are used in place
through a pointer into the old frame, which stays allocated under the resume
entry's own frame.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

from pycparser import c_ast

from polusgen.csyntax import carried

LOOPS = (c_ast.While, c_ast.DoWhile, c_ast.For)
RESUMING = "__polus_resuming"
RESULT = "__polus_result"
LABEL = "__polus_resume"


@dataclass
class Variable:
    name: str
    by_ref: bool                       # used in place in the old frame (array or address taken)
    decl: c_ast.Decl = field(repr=False, default=None)


@dataclass
class CallInBody:
    """A call of the body, located for a transfer: `index` among every call of
    the body (pre-order), `problem` why no transfer can happen there."""
    index: int
    live: list[Variable] = field(default_factory=list)
    problem: str = ""
    uses_result: bool = False


def _parents(root) -> dict[int, c_ast.Node]:
    out: dict[int, c_ast.Node] = {}

    def walk(n):
        for _, c in n.children():
            out[id(c)] = n
            walk(c)
    walk(root)
    return out


def calls(fn: c_ast.FuncDef) -> list[c_ast.FuncCall]:
    """Every call of the body, in source (pre-)order."""
    out = []

    def walk(n):
        if isinstance(n, c_ast.FuncCall):
            out.append(n)
        for _, c in n.children():
            walk(c)
    walk(fn.body)
    return out


def callee_name(call: c_ast.FuncCall) -> Optional[str]:
    return call.name.name if isinstance(call.name, c_ast.ID) else None


def _ids(node, skip=None) -> set[str]:
    out: set[str] = set()

    def walk(n):
        if n is skip:
            return
        if isinstance(n, c_ast.ID):
            out.add(n.name)
        for _, c in n.children():
            walk(c)
    if node is not None:
        walk(node)
    return out


def _contains(node, target) -> bool:
    if node is target:
        return True
    return any(_contains(c, target) for _, c in node.children())


def _statement_of(call, parents) -> tuple[c_ast.Node, c_ast.Node]:
    """(the statement holding the call, the statement's expression holding it)."""
    child, n = call, parents.get(id(call))
    while n is not None:
        if isinstance(n, (c_ast.Compound, c_ast.Case, c_ast.Default)) or isinstance(n, c_ast.Label) and child is n.stmt:
            return child, child                # a statement of a block, of a case's list, or a labelled one
        if isinstance(n, (c_ast.If, c_ast.While, c_ast.DoWhile, c_ast.Switch)) and child is n.cond:
            return n, child
        if isinstance(n, c_ast.For) and child is not n.stmt:
            return n, child
        if isinstance(n, (c_ast.If, c_ast.For, c_ast.While, c_ast.DoWhile, c_ast.Switch)):
            return child, child                # a body that is a single statement
        if isinstance(n, c_ast.Return):
            return n, child
        if isinstance(n, c_ast.Decl):
            return n, child
        child, n = n, parents.get(id(n))
    return child, child


def _side_effects_outside(expr, call) -> bool:
    """Anything in `expr` besides `call` (and its arguments) that a second
    evaluation would do again: another call, ++/--, an assignment not at the
    top other than `v = call` (the resumed evaluation assigns the call's value
    as the old activation was about to)."""
    found = False

    def walk(n, top):
        nonlocal found
        if n is call or found:
            return
        if isinstance(n, c_ast.FuncCall):
            found = True
        elif isinstance(n, c_ast.UnaryOp) and n.op in ("++", "--", "p++", "p--"):
            found = True
        elif isinstance(n, c_ast.Assignment) and not top and not (
                n.op == "=" and n.rvalue is call and isinstance(n.lvalue, c_ast.ID)):
            found = True
        for _, c in n.children():
            walk(c, False)
    walk(expr, True)
    return found


def _force_path(expr, call, parents) -> None:
    """The call is evaluated only on some paths of its expression (the right
    of && or ||, a branch of ?:): on the resumed evaluation, take the path
    the old activation took to reach it (it did: it waited in the call),
    without evaluating the conditions again (they may read what changed)."""
    n = parents.get(id(call))
    child = call
    while n is not None and child is not expr:
        if isinstance(n, c_ast.BinaryOp) and n.op in ("&&", "||") and child is n.right:
            # a && CALL: a was true; a || CALL: a was false
            n.left = c_ast.BinaryOp("||", c_ast.ID(RESUMING), n.left) if n.op == "&&" else \
                c_ast.BinaryOp("&&", c_ast.UnaryOp("!", c_ast.ID(RESUMING)), n.left)
        elif isinstance(n, c_ast.TernaryOp) and child is not n.cond:
            n.cond = c_ast.BinaryOp("||", c_ast.ID(RESUMING), n.cond) if child is n.iftrue else \
                c_ast.BinaryOp("&&", c_ast.UnaryOp("!", c_ast.ID(RESUMING)), n.cond)
        child, n = n, parents.get(id(n))


def _visible_locals(fn: c_ast.FuncDef, stmt) -> dict[str, c_ast.Decl]:
    """Parameters and locals declared before `stmt` in the blocks around it."""
    params = {}
    fdecl = fn.decl.type
    for p in (fdecl.args.params if fdecl.args else []):
        if isinstance(p, c_ast.Decl) and p.name:
            params[p.name] = p
    found: Optional[dict] = None

    def walk(n, scope: dict):
        nonlocal found
        if found is not None:
            return
        if n is stmt:
            found = dict(scope)
            return
        if isinstance(n, c_ast.Compound):
            inner = dict(scope)
            for item in n.block_items or []:
                walk(item, inner)
                if found is not None:
                    return
                if isinstance(item, c_ast.Decl) and item.name and not isinstance(item.type, c_ast.FuncDecl):
                    inner[item.name] = item
            return
        if isinstance(n, c_ast.For):
            inner = dict(scope)
            if isinstance(n.init, c_ast.DeclList):
                for d in n.init.decls:
                    inner[d.name] = d
            for c in (n.cond, n.next, n.stmt):
                if c is not None:
                    walk(c, inner)
            return
        for _, c in n.children():
            walk(c, scope)
    walk(fn.body, params)
    return found or {}


def _after(fn: c_ast.FuncDef, stmt, call, parents) -> set[str]:
    """Identifiers that may be read after `call` returns: the rest of its
    statement, what follows it in each block around it, every loop around it
    (conservative: no kill analysis); the whole body if it has a goto."""
    if any(isinstance(n, c_ast.Goto) for n in _walk(fn.body)):
        return _ids(fn.body)
    out = _ids(stmt) if isinstance(stmt, LOOPS) else _ids(stmt, skip=call)   # a loop's header runs again
    child, n = stmt, parents.get(id(stmt))
    while n is not None:
        if isinstance(n, LOOPS):
            out |= _ids(n)
        elif isinstance(n, (c_ast.Compound, c_ast.Case, c_ast.Default)):
            items = (n.block_items if isinstance(n, c_ast.Compound) else n.stmts) or []
            k = next(i for i, it in enumerate(items) if it is child)
            for it in items[k + 1:]:
                out |= _ids(it)
        child, n = n, parents.get(id(n))
    return out


def _walk(n):
    yield n
    for _, c in n.children():
        yield from _walk(c)


def _address_taken(fn: c_ast.FuncDef) -> set[str]:
    return {n.expr.name for n in _walk(fn.body)
            if isinstance(n, c_ast.UnaryOp) and n.op == "&" and isinstance(n.expr, c_ast.ID)}


def in_place(fn: c_ast.FuncDef, name: str) -> bool:
    """Whether a resume entry of `fn` uses local `name` in place (an array, or its address is taken)."""
    decl = next((d for d in _walk(fn) if isinstance(d, c_ast.Decl) and d.name == name), None)
    return name in _address_taken(fn) or (decl is not None and isinstance(decl.type, c_ast.ArrayDecl))


def declared_names(fn: c_ast.FuncDef) -> list[str]:
    names = [p.name for p in (fn.decl.type.args.params if fn.decl.type.args else []) if getattr(p, "name", None)]
    names += [n.name for n in _walk(fn.body) if isinstance(n, c_ast.Decl) and n.name]
    return names


def locate(fn: c_ast.FuncDef, index: int) -> CallInBody:
    """Where the `index`-th call of `fn`'s body is, what is live after it, and
    why a resume entry cannot start there, if it cannot."""
    call = calls(fn)[index]
    parents = _parents(fn)
    stmt, expr = _statement_of(call, parents)
    out = CallInBody(index)
    if isinstance(stmt, (c_ast.For, c_ast.DoWhile)):
        out.problem = f"the call is in a {'for' if isinstance(stmt, c_ast.For) else 'do-while'} statement's header"
        return out
    if isinstance(stmt, c_ast.Decl) and not isinstance(parents.get(id(stmt)), c_ast.Compound):
        out.problem = "the call initializes a declaration outside a block"
        return out
    if _side_effects_outside(expr, call):
        out.problem = "its statement does more than the call (another call, ++, --, an inner assignment)"
        return out
    out.uses_result = expr is not call
    assigned = expr.lvalue.name if isinstance(expr, c_ast.Assignment) and expr.op == "=" and \
        expr.rvalue is call and isinstance(expr.lvalue, c_ast.ID) else None
    if isinstance(stmt, c_ast.Decl):
        out.uses_result = True
        assigned = stmt.name
    visible = _visible_locals(fn, stmt)
    used = _after(fn, stmt, call, parents)
    taken = _address_taken(fn)
    names = declared_names(fn)
    for name, decl in visible.items():
        if name not in used or name == assigned or "static" in (decl.storage or []) or \
                "extern" in (decl.storage or []):
            continue
        if names.count(name) > 1:
            out.problem = f"{name} is declared more than once in the function"
            return out
        by_ref = name in taken or isinstance(decl.type, c_ast.ArrayDecl)
        out.live.append(Variable(name, by_ref, decl))
    return out


# ---------------------------------------------------------------- the resume entry

def _ptr_to(tnode):
    return c_ast.PtrDecl([], copy.deepcopy(tnode))


def _rename_declname(t, name: str) -> None:
    while not isinstance(t, c_ast.TypeDecl):
        t = t.type
    t.declname = name


def param_decl(v: Variable) -> c_ast.Decl:
    """`T __polus_in_x` for a value, `T (*__polus_ref_x)` for a variable used in place."""
    name = ("__polus_ref_" if v.by_ref else "__polus_in_") + v.name
    t = _ptr_to(v.decl.type) if v.by_ref else copy.deepcopy(v.decl.type)
    _rename_declname(t, name)
    _drop_const(t)
    return c_ast.Decl(name, [], [], [], [], t, None, None)


def _drop_const(t) -> None:
    while t is not None and not isinstance(t, c_ast.TypeDecl):
        t = getattr(t, "type", None)
    if t is not None:
        t.quals = [q for q in t.quals if q != "const"]


class _InPlace(c_ast.NodeVisitor):
    """Every use of a variable kept in the old frame becomes `(*__polus_ref_x)`."""

    def __init__(self, names: set[str]):
        self.names = names

    def generic_visit(self, node):
        for attr, child in list(node.children()):
            if isinstance(child, c_ast.ID) and child.name in self.names:
                repl = c_ast.UnaryOp("*", c_ast.ID("__polus_ref_" + child.name))
                _replace(node, attr, child, repl)
            else:
                self.visit(child)


def _replace(parent, attr: str, old, new) -> None:
    if "[" in attr:
        name, idx = attr[:-1].split("[")
        getattr(parent, name)[int(idx)] = new
    else:
        setattr(parent, attr, new)


def resume_entry(fn: c_ast.FuncDef, index: int, symbol: str, static: bool = True) -> c_ast.FuncDef:
    """The resume entry of the `index`-th call of `fn` (a renamed copy of a
    version of the function: it is changed in place), named `symbol`:
    parameters `__polus_result` (what the call returned) then one per live
    variable."""
    found = locate(fn, index)
    if found.problem:
        raise ValueError(found.problem)
    call = calls(fn)[index]
    parents = _parents(fn)
    stmt, expr = _statement_of(call, parents)
    # the call returns what the old activation's call returned, once
    typeof = c_ast.Typename(None, [], None, c_ast.TypeDecl(None, [], None, c_ast.IdentifierType(
        ["__typeof__(" + _c(call) + ")"])))
    replay = c_ast.TernaryOp(
        c_ast.ID(RESUMING),
        c_ast.ExprList([c_ast.Assignment("=", c_ast.ID(RESUMING), c_ast.Constant("int", "0")),
                        c_ast.Cast(typeof, c_ast.ID(RESULT))]),
        call)
    _force_path(expr, call, parents)
    cparent = parents[id(call)]
    for attr, child in cparent.children():
        if child is call:
            _replace(cparent, attr, call, replay)
            break
    if stmt is call:
        parents[id(replay)] = cparent
        stmt = replay
    # values first, then the statement
    sets = [c_ast.Assignment("=", c_ast.ID(v.name), c_ast.ID("__polus_in_" + v.name))
            for v in found.live if not v.by_ref]
    # each value goes through an empty asm that may change it in memory: gcc
    # can then describe it neither as the parameter's entry value nor as
    # optimized out, so the entry's own debug information locates it at
    # every later call (where a rollback or the next patch moves it from)
    sets += [_pin(v.name) for v in found.live if not v.by_ref]
    guarded = c_ast.If(c_ast.ID(RESUMING), c_ast.Compound(sets), None) if sets else None
    sparent = parents[id(stmt)]
    if isinstance(stmt, c_ast.Decl):
        # `T v = call(...);` stays where it is (v stays in scope): the label goes on a statement before it
        items = sparent.block_items
        k = next(i for i, it in enumerate(items) if it is stmt)
        items[k:k + 1] = [c_ast.Label(LABEL, guarded or c_ast.EmptyStatement()), stmt]
    else:
        labelled = c_ast.Label(LABEL, c_ast.Compound(([guarded] if guarded else []) + [stmt]))
        for attr, child in sparent.children():
            if child is stmt:
                _replace(sparent, attr, stmt, labelled)
                break
    _InPlace({v.name for v in found.live if v.by_ref}).visit(fn.body)
    # int __polus_resuming = 1; goto __polus_resume;
    flag = c_ast.Decl(RESUMING, [], [], [], [], c_ast.TypeDecl(RESUMING, [], None, c_ast.IdentifierType(["int"])),
                      c_ast.Constant("int", "1"), None)
    fn.body.block_items = [flag, c_ast.Goto(LABEL)] + (fn.body.block_items or [])
    # the signature: (long __polus_result, live variables...)
    fdecl = fn.decl.type
    result = c_ast.Decl(RESULT, [], [], [], [], c_ast.TypeDecl(RESULT, [], None, c_ast.IdentifierType(["long"])),
                        None, None)
    old_params = [p for p in (fdecl.args.params if fdecl.args else []) if isinstance(p, c_ast.Decl) and p.name]
    fdecl.args = c_ast.ParamList([result] + [param_decl(v) for v in found.live])
    # the old parameters become locals of the entry
    fn.body.block_items = [_as_local(p) for p in old_params] + fn.body.block_items
    fn.decl.name = symbol
    _rename_declname(fn.decl.type, symbol)
    fn.decl.storage = ["static"] if static else []
    fn.decl.funcspec = []
    return fn


def _pin(name: str) -> c_ast.FuncCall:
    """`__asm__ __volatile__("" : "+m"(name))`, in the carried form the printer writes back."""
    text = lambda t: c_ast.Constant("string", f'"{carried.encode(t)}"')
    return c_ast.FuncCall(c_ast.ID(carried.ASM_CALL), c_ast.ExprList(
        [text('__asm__ __volatile__("" : "+m"('), c_ast.ID(name), text("))")]))


def _as_local(p: c_ast.Decl) -> c_ast.Decl:
    d = copy.deepcopy(p)
    d.init = None
    d.storage = []
    # a parameter declared as an array or a function is a pointer (C11 6.7.6.3p7-8): so is its local
    if isinstance(d.type, c_ast.ArrayDecl):
        d.type = c_ast.PtrDecl(d.type.dim_quals or [], d.type.type)
    elif isinstance(d.type, c_ast.FuncDecl):
        d.type = c_ast.PtrDecl([], d.type)
    _drop_const(d.type)
    return d


def _c(node) -> str:
    from polusgen.csyntax.cgen import SourceGenerator

    return SourceGenerator().visit(node)
