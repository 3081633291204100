"""One translation unit: parse it and extract its types, globals and functions.

The result (`TUFacts`) is what the cache stores and what `merge` combines.
Everything in it is already resolved within the TU (statics keyed
"name@file", locals shadowing globals); only "is this key defined somewhere in
the program" is left for the merge.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from pycparser import c_ast
from pycparser.c_parser import CParser, ParseError

from polusgen.csyntax.cgen import REWRITTEN_MACROS, SourceGenerator, generate
from polusgen.errors import SourceError, UnsupportedError
from polusgen.model import Coord, FunctionEntity, GlobalEntity, TypeEntity, Warning_, static_key

from .scopes import LOCAL, ScopedVisitor

# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------


@dataclass
class GlobalDecl:
    """A file-scope object declaration seen in the TU (program files only)."""
    entity: GlobalEntity
    defined: bool          # a definition (tentative or with initializer), not just `extern`


@dataclass
class TUFacts:
    file: str
    types: list[TypeEntity] = field(default_factory=list)
    globals: list[GlobalDecl] = field(default_factory=list)
    functions: list[FunctionEntity] = field(default_factory=list)
    enumerators: dict[str, str] = field(default_factory=dict)
    system_includes: list[str] = field(default_factory=list)
    system_prologue: list[str] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------

_PARSE_ERR = re.compile(r"^(?P<file>.*?):(?P<line>\d+)(?::\d+)?: (?P<msg>.*)$", re.S)


# GNU extensions pycparser cannot parse, recognised on the offending line
_GNU = [
    (re.compile(r"\bcase\b[^:]*\.\.\."), "case range (case A ... B:)"),
    (re.compile(r"\[[^\]]*\.\.\.[^\]]*\]\s*="), "range designator ([A ... B] =)"),
    (re.compile(r"\b(typeof|__typeof__|__typeof)\b"), "typeof"),
    (re.compile(r"\bgoto\s*\*|[{,(=]\s*&&\s*[A-Za-z_]"), "computed goto / label address (&&label)"),
    (re.compile(r"\?\s*:"), "conditional with the middle operand left out (x ?: y)"),
    (re.compile(r"\b__label__\b"), "local label (__label__)"),
]


def _gnu_extension(path: str, line: int | None) -> str | None:
    if not line:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == line:
                    return next((what for rx, what in _GNU if rx.search(text)), None)
    except OSError:
        return None
    return None


def parse_c(text: str, display: Callable[[str], str], tu_display: str) -> c_ast.FileAST:
    parser = CParser()
    try:
        return parser.parse(text, tu_display)
    except ParseError as e:
        m = _PARSE_ERR.match(str(e))
        if m:
            file, line, msg = m["file"], int(m["line"]), m["msg"]
        else:
            # some pycparser errors name only the file: take the line of the
            # token the parser stopped at (the lexer's file follows pcpp's #line)
            msg = str(e).split(": ", 1)[-1]
            file, line = parser.clex.filename, None
            stream = parser._tokens
            for tok in reversed(stream._buffer[:stream._index + 1]):
                if tok is not None:
                    line = tok.lineno
                    break
        gnu = _gnu_extension(file, line)
        if gnu:
            raise UnsupportedError(display(file), line, f"GNU extension pycparser cannot parse: {gnu}") from None
        raise SourceError(display(file), line, f"syntax error: {msg}") from None


# --------------------------------------------------------------------------
# helpers on types
# --------------------------------------------------------------------------

TAG_KINDS = {c_ast.Struct: "struct", c_ast.Union: "union", c_ast.Enum: "enum"}


def tag_key(node) -> Optional[str]:
    kind = TAG_KINDS.get(type(node))
    if kind is None or not node.name:
        return None
    return f"{kind} {node.name}"


def has_body(node) -> bool:
    if isinstance(node, c_ast.Enum):
        return node.values is not None
    return node.decls is not None


class Scope:
    """File scope of a TU: what each ordinary identifier means there."""

    def __init__(self):
        self.typedefs: dict[str, c_ast.Typedef] = {}
        self.enumerators: dict[str, str] = {}          # name -> enum type key
        # name -> ("var", key, declared type) | ("func", key); the merge drops
        # keys that no TU of the program defines (libc's)
        self.names: dict[str, tuple] = {}
        self.static_names: set[str] = set()
        self.tags: dict[str, c_ast.Node] = {}            # "struct S" -> its definition
        self.returns: dict[str, c_ast.Node] = {}         # function name -> its declared return type

    def unalias(self, type_node):
        """Follow typedef names to the type they stand for."""
        for _ in range(20):
            if isinstance(type_node, c_ast.TypeDecl) and isinstance(type_node.type, c_ast.IdentifierType):
                names = type_node.type.names
                if len(names) == 1 and names[0] in self.typedefs:
                    type_node = self.typedefs[names[0]].type
                    continue
            break
        return type_node

    def member_type(self, type_node, field: str):
        """Declared type of member `field` of a struct/union type, or None."""
        t = self.unalias(type_node)
        if not isinstance(t, c_ast.TypeDecl) or not isinstance(t.type, (c_ast.Struct, c_ast.Union)):
            return None
        su = t.type
        if su.decls is None:
            su = self.tags.get(tag_key(su) or "")
        return _find_member(su.decls if su is not None else None, field)

    def is_array(self, type_node) -> bool:
        return isinstance(self.unalias(type_node), c_ast.ArrayDecl)

    def returns_in_rax(self, name: str) -> bool:
        """Does a call of `name` hand its value back in rax (nothing, an
        integer, an enum or a pointer; an undeclared function returns int)?
        Not a struct or union (two registers or memory), nor a float (xmm0)."""
        t = self.unalias(self.returns[name]) if name in self.returns else None
        if not isinstance(t, c_ast.TypeDecl):
            return True
        if isinstance(t.type, (c_ast.Struct, c_ast.Union)):
            return False
        return not (isinstance(t.type, c_ast.IdentifierType)
                    and {"float", "double", "_Complex"} & set(t.type.names))


def _find_member(decls, field: str):
    for d in decls or ():
        if d.name == field:
            return d.type
        if d.name is None and isinstance(d.type, c_ast.TypeDecl) and \
                isinstance(d.type.type, (c_ast.Struct, c_ast.Union)):
            found = _find_member(d.type.type.decls, field)       # anonymous member
            if found is not None:
                return found
    return None


def type_refs(node, scope: Scope, by_value: bool, out: set[str], out_value: Optional[set[str]],
              self_key: Optional[str] = None) -> None:
    """Type keys a type tree refers to; the by-value ones also go to out_value."""
    if node is None:
        return
    if isinstance(node, c_ast.TypeDecl):
        type_refs(node.type, scope, by_value, out, out_value, self_key)
    elif isinstance(node, c_ast.PtrDecl):
        type_refs(node.type, scope, False, out, out_value, self_key)
    elif isinstance(node, c_ast.ArrayDecl):
        type_refs(node.type, scope, by_value, out, out_value, self_key)
        expr_type_refs(node.dim, scope, out)
    elif isinstance(node, c_ast.FuncDecl):
        type_refs(node.type, scope, False, out, out_value, self_key)
        if node.args is not None:
            for p in node.args.params:
                type_refs(p, scope, False, out, out_value, self_key)
    elif isinstance(node, (c_ast.Decl, c_ast.Typename)):
        type_refs(node.type, scope, by_value, out, out_value, self_key)
        if isinstance(node, c_ast.Decl) and node.bitsize is not None:
            expr_type_refs(node.bitsize, scope, out)
    elif isinstance(node, c_ast.IdentifierType):
        for n in node.names:
            if n in scope.typedefs:
                _add(f"typedef {n}", by_value, out, out_value, self_key)
    elif isinstance(node, (c_ast.Struct, c_ast.Union)):
        key = tag_key(node)
        if key:
            _add(key, by_value, out, out_value, self_key)
        if node.decls is not None and not key:
            # an anonymous struct/union is part of its container: look inside
            for d in node.decls:
                type_refs(d, scope, by_value, out, out_value, self_key)
    elif isinstance(node, c_ast.Enum):
        key = tag_key(node)
        if key:
            _add(key, by_value, out, out_value, self_key)
    elif isinstance(node, c_ast.EllipsisParam):
        pass


def _add(key, by_value, out, out_value, self_key):
    if key == self_key:
        return
    out.add(key)
    if by_value and out_value is not None:
        out_value.add(key)


def expr_type_refs(expr, scope: Scope, out: set[str]) -> None:
    """Types an expression inside a type (array size, bit width) refers to."""
    if expr is None:
        return
    for n in walk(expr):
        if isinstance(n, c_ast.ID) and n.name in scope.enumerators:
            out.add(scope.enumerators[n.name])
        elif isinstance(n, c_ast.Typename):
            type_refs(n, scope, False, out, None)


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        stack.extend(c for _, c in n.children())


def object_is_const(type_node) -> bool:
    if isinstance(type_node, c_ast.TypeDecl):
        return "const" in type_node.quals
    if isinstance(type_node, c_ast.ArrayDecl):
        return object_is_const(type_node.type)
    if isinstance(type_node, c_ast.PtrDecl):
        return "const" in type_node.quals
    return False


def strip_declnames(node, undo: list) -> None:
    """Drop the declarator names of a declaration or type in place (for
    canonical type text): the declared name and function parameter names,
    never the members of a struct defined inside it.  `undo` collects what
    to put back (cheaper than copying the tree)."""
    while node is not None:
        if isinstance(node, (c_ast.Decl, c_ast.Typename)):
            undo.append((node, "name", node.name))
            node.name = None
        elif isinstance(node, c_ast.TypeDecl):
            undo.append((node, "declname", node.declname))
            node.declname = None
            return
        elif isinstance(node, c_ast.FuncDecl) and node.args is not None:
            for p in node.args.params:
                strip_param_quals(p, undo)
                strip_declnames(p, undo)
        elif not isinstance(node, (c_ast.PtrDecl, c_ast.ArrayDecl, c_ast.FuncDecl)):
            return
        node = node.type


def strip_param_quals(param, undo: list) -> None:
    """Drop a parameter's top-level qualifiers (`const int x`, `char *const p`):
    they are not part of the function's type (C11 6.7.6.3p15)."""
    t = getattr(param, "type", None)
    if isinstance(t, (c_ast.TypeDecl, c_ast.PtrDecl)) and t.quals:
        undo.append((t, "quals", t.quals))
        t.quals = []


def zero_length_as_flexible(node, undo: list) -> None:
    """Print `T m[0]` (GNU zero-length array) as `T m[]`: the same layout as a
    flexible array member, so the two spellings are one type."""
    for n in walk(node):
        if isinstance(n, c_ast.ArrayDecl) and isinstance(n.dim, c_ast.Constant) and n.dim.value == "0":
            undo.append((n, "dim", n.dim))
            n.dim = None


def tag_text(node) -> str:
    """Canonical text of a struct/union/enum definition."""
    undo: list = []
    try:
        zero_length_as_flexible(node, undo)
        return generate(node)
    finally:
        _restore(undo)


def _restore(undo: list) -> None:
    for node, attr, value in reversed(undo):
        setattr(node, attr, value)


def type_text(type_node) -> str:
    undo: list = []
    try:
        strip_declnames(type_node, undo)
        return SourceGenerator()._generate_type(type_node, emit_declname=False).strip()
    finally:
        _restore(undo)


def prototype_from_knr(funcdef: c_ast.FuncDef) -> Optional[Warning_]:
    """Rewrite a K&R definition (`int add(a, b) int a; { ... }`) in place into
    its prototype form (`int add(int a, int b)`), which is how every later
    stage prints it; an undeclared parameter is `int`.  A float parameter is
    passed as double to a K&R function: the prototype would not read it
    right, so that is returned as a warning."""
    fdecl = funcdef.decl.type
    if not isinstance(fdecl, c_ast.FuncDecl) or fdecl.args is None \
            or not any(isinstance(p, c_ast.ID) for p in fdecl.args.params):
        return None
    declared = {d.name: d for d in funcdef.param_decls or ()}
    params = []
    for p in fdecl.args.params:
        d = declared.get(p.name) if isinstance(p, c_ast.ID) else p
        if d is None:
            d = c_ast.Decl(p.name, [], [], [], [], c_ast.TypeDecl(p.name, [], None, c_ast.IdentifierType(["int"])),
                           None, None, coord=p.coord)
        params.append(d)
    fdecl.args = c_ast.ParamList(params, fdecl.args.coord)
    funcdef.param_decls = None
    floats = [d.name for d in params if isinstance(d.type, c_ast.TypeDecl)
              and isinstance(d.type.type, c_ast.IdentifierType) and d.type.type.names == ["float"]]
    if floats:
        return Warning_("knr-float-param", f"K&R definition of {funcdef.decl.name}: its float parameter(s) "
                        f"{', '.join(floats)} arrive as double; the patch's prototype reads them as float")
    return None


def signature_text(funcdef: c_ast.FuncDef) -> str:
    fdecl = funcdef.decl.type
    undo: list = []
    try:
        if fdecl.args is not None:
            for p in fdecl.args.params:
                strip_param_quals(p, undo)
                strip_declnames(p, undo)
        return SourceGenerator()._generate_type(fdecl).strip()
    finally:
        _restore(undo)


# --------------------------------------------------------------------------
# function bodies
# --------------------------------------------------------------------------

_UNKNOWN = ("unknown type",)


class BodyAnalyzer(ScopedVisitor):
    """What one function body calls, reads and writes (identifiers resolved
    with C scoping by ScopedVisitor, which keeps them in `refs`)."""

    def __init__(self, scope: Scope, fn: FunctionEntity):
        super().__init__(scope)
        self.fn = fn

    def run(self, funcdef: c_ast.FuncDef):
        super().run(funcdef)
        self.fn.refs = self.refs

    # -- uses --
    def use(self, node: c_ast.ID, write=False, read=True, arg=False):
        r = self.bind(node)
        if r is None or r is LOCAL:
            return
        kind = r[0]
        if kind == "enum":
            self.fn.type_deps.add(r[1])
        elif kind == "func":
            self.fn.addr_taken.add(r[1])
        elif kind == "var":
            key = r[1]
            if arg and self.scope.is_array(r[2]):
                write = read = True
            if read:
                self.fn.reads.add(key)
            if write:
                self.fn.writes.add(key)

    def visit_ID(self, n):
        self.use(n)

    def visit_FuncCall(self, n):
        if isinstance(n.name, c_ast.ID) and n.name.name in REWRITTEN_MACROS:
            super().visit_FuncCall(n)
            return
        if isinstance(n.name, c_ast.ID):
            # an undeclared name is implicitly declared: an external function
            if self.resolve(n.name.name) is None:
                self.fn.undeclared_calls.add(n.name.name)
            r = self.bind(n.name, default=("func", n.name.name))
            if r is not LOCAL and r[0] == "func":
                self.fn.calls.add(r[1])
                if not self.scope.returns_in_rax(n.name.name):
                    self.fn.calls_not_in_rax.add(n.name.name)
            else:
                self.use(n.name)
        else:
            self.visit(n.name)
        if n.args is not None:
            for a in n.args.exprs:
                base = a
                while isinstance(base, c_ast.Cast):
                    base = base.expr
                if isinstance(base, c_ast.ID):
                    if isinstance(a, c_ast.Cast):
                        self.visit(a.to_type)
                    self.use(base, arg=True)
                elif isinstance(base, (c_ast.StructRef, c_ast.ArrayRef)) and self.array_of_global(base):
                    self.visit(a)
                    self.lvalue(base, also_read=True)   # g.buf passed: the callee may write g
                else:
                    self.visit(a)

    def visit_Assignment(self, n):
        self.lvalue(n.lvalue, also_read=(n.op != "="))
        self.visit(n.rvalue)

    def visit_UnaryOp(self, n):
        if n.op in ("++", "--", "p++", "p--"):
            self.lvalue(n.expr, also_read=True)
        elif n.op == "&":
            self.lvalue(n.expr, also_read=True)
        else:
            self.visit(n.expr)

    def array_of_global(self, e) -> bool:
        """Is `e` (g.member..., g[i]...) an array inside a global, as far as
        the types show?  Unknown types count as arrays (may be written)."""
        t = self.expr_type(e)
        return t is _UNKNOWN or (t is not None and self.scope.is_array(t))

    def expr_type(self, e):
        """Declared type of a '.'/'[]' chain rooted at a global; None when the
        chain is not rooted at a global, _UNKNOWN when the types run out."""
        if isinstance(e, c_ast.ID):
            r = self.resolve(e.name)
            return r[2] if r is not None and r is not LOCAL and r[0] == "var" else None
        if isinstance(e, c_ast.StructRef) and e.type == ".":
            t = self.expr_type(e.name)
            if t is None or t is _UNKNOWN:
                return t
            m = self.scope.member_type(t, e.field.name)
            return _UNKNOWN if m is None else m
        if isinstance(e, c_ast.ArrayRef):
            t = self.expr_type(e.name)
            if t is None or t is _UNKNOWN:
                return t
            t = self.scope.unalias(t)
            return t.type if isinstance(t, c_ast.ArrayDecl) else None
        return None

    def lvalue(self, e, also_read: bool):
        """`e` is written (assigned, incremented or its address taken)."""
        if isinstance(e, c_ast.ID):
            self.use(e, write=True, read=also_read)
        elif isinstance(e, c_ast.StructRef):
            if e.type == ".":
                self.lvalue(e.name, also_read)
            else:
                self.visit(e.name)          # p->f writes *p, not p
        elif isinstance(e, c_ast.ArrayRef):
            base = e.name
            r = self.resolve(base.name) if isinstance(base, c_ast.ID) else None
            if isinstance(base, c_ast.ID) and r is not None and r is not LOCAL and r[0] == "var" \
                    and self.scope.is_array(r[2]):
                self.use(base, write=True, read=also_read)
            elif isinstance(base, (c_ast.StructRef, c_ast.ArrayRef)):
                self.lvalue(base, also_read)
            else:
                self.visit(base)
            self.visit(e.subscript)
        else:
            self.visit(e)


def loops_forever(body) -> bool:
    """A loop with no way out -- for the process that runs it.  A server's
    accept loop often returns only in the child it just forked (vsftpd's
    vsf_standalone_main: "by returning here we launch the child"): the
    listener itself never leaves it, so exits in the child's branch of a
    fork test do not count."""
    forked = _fork_results(body)
    for n in walk(body):
        if isinstance(n, c_ast.For) and n.cond is None or \
           isinstance(n, (c_ast.While, c_ast.DoWhile)) and _always_true(n.cond):
            if not _leaves(n.stmt, forked):
                return True
    return False


# system calls an event loop waits in: a loop around one that is left only
# when the call fails runs as long as the process serves
EVENT_WAITS = frozenset({"epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll", "select", "pselect",
                         "kevent"})


def loop_exit(body, params: set[str], globals_read: set[str]) -> Optional[str]:
    """The only ways out of a loop that is otherwise never left, said in
    words ("config.quit", "epoll_wait fails"), or None.  Such a loop is
    `while (1)` / `for (;;)` whose every exit is under a test of a global
    flag (`if (config.quit) return;`) or of the failure of an event wait
    (`if (n < 0) break;` after `n = epoll_wait(...)`), or `while (flag)`
    over globals the loop does not write itself: the flag is set by a signal
    handler or another thread, when the program stops."""
    local = set(params) | {n.name for n in walk(body) if isinstance(n, c_ast.Decl) and n.name}
    forked = _fork_results(body)
    for n in walk(body):
        if not isinstance(n, (c_ast.For, c_ast.While, c_ast.DoWhile)) or n.stmt is None:
            continue
        written = _written_names(n.stmt)
        flag = lambda e: _flag_test(e, globals_read - written, local)  # noqa: E731
        waits = _wait_results(n.stmt)
        ways: list[str] = []
        if isinstance(n, c_ast.For) and n.cond is None or \
                isinstance(n, (c_ast.While, c_ast.DoWhile)) and _always_true(n.cond):
            pass
        elif n.cond is not None and _truth_test(n.cond) and flag(n.cond) is not None:
            ways.append(_negated(flag(n.cond)))
        else:
            continue
        if any(_call_name_of(c) in WAITS_FOR_OTHERS for c in walk(n.stmt)):
            continue    # waits for another thread to change the flag: left when it does

        def guard(cond) -> Optional[str]:
            f = flag(cond)
            return f if f is not None else _wait_failure(cond, waits)

        if not _leaves(n.stmt, forked, guard, ways) and ways:
            return " or ".join(dict.fromkeys(ways))
    return None


# a loop that blocks in one of these waits for another thread, which will
# change its condition: a wait for work, not a loop that runs until the end
WAITS_FOR_OTHERS = frozenset({"pthread_cond_wait", "pthread_cond_timedwait", "sem_wait", "sem_timedwait"})


def _call_name_of(n) -> Optional[str]:
    return n.name.name if isinstance(n, c_ast.FuncCall) and isinstance(n.name, c_ast.ID) else None


def _truth_test(cond) -> bool:
    """`flag`, `!flag`, `s.flag`, `!s->flag`: a flag read as true or false
    (`while (count == 0)` compares a quantity: not a flag)."""
    while isinstance(cond, c_ast.UnaryOp) and cond.op == "!":
        cond = cond.expr
    return isinstance(cond, (c_ast.ID, c_ast.StructRef))


def _written_names(stmt) -> set[str]:
    out = set()
    for n in walk(stmt):
        target = n.lvalue if isinstance(n, c_ast.Assignment) else \
            n.expr if isinstance(n, c_ast.UnaryOp) and n.op in ("++", "--", "p++", "p--") else None
        while isinstance(target, (c_ast.StructRef, c_ast.ArrayRef)):
            target = target.name
        if isinstance(target, c_ast.ID):
            out.add(target.name)
    return out


def _flag_test(e, flags: set[str], local: set[str]) -> Optional[str]:
    """The text of `e` if it reads only global flags (an ID, a member of
    one, compared with constants, negated, combined): no call, no local."""
    found = []

    def ok(x) -> bool:
        if isinstance(x, c_ast.Constant):
            return True
        if isinstance(x, c_ast.ID):
            found.append(x.name)
            return x.name in flags and x.name not in local
        if isinstance(x, c_ast.StructRef):
            return ok(x.name)
        if isinstance(x, c_ast.UnaryOp) and x.op == "!":
            return ok(x.expr)
        if isinstance(x, c_ast.Cast):
            return ok(x.expr)
        if isinstance(x, c_ast.BinaryOp) and x.op in ("==", "!=", "<", ">", "<=", ">=", "&&", "||", "&"):
            return ok(x.left) and ok(x.right)
        return False

    return generate(e) if ok(e) and found else None


def _negated(text: str) -> str:
    """The condition under which `while (text)` stops, as words."""
    return text[1:] if text.startswith("!") and re.fullmatch(r"![\w.>-]+", text) else f"!({text})"


def _wait_results(stmt) -> dict[str, str]:
    """Locals assigned the result of an event wait in `stmt`: name -> call."""
    out = {}
    for n in walk(stmt):
        if isinstance(n, c_ast.Assignment) and n.op == "=" and isinstance(n.lvalue, c_ast.ID):
            value = n.rvalue
        elif isinstance(n, c_ast.Decl) and n.name and n.init is not None:
            value = n.init
        else:
            continue
        if isinstance(value, c_ast.FuncCall) and isinstance(value.name, c_ast.ID) and value.name.name in EVENT_WAITS:
            out[n.lvalue.name if isinstance(n, c_ast.Assignment) else n.name] = value.name.name
    return out


def _wait_failure(cond, waits: dict[str, str]) -> Optional[str]:
    """"epoll_wait fails" for a test `n < 0` / `n == -1` (possibly && more)
    of an event wait's result, or of the call itself."""
    if isinstance(cond, c_ast.BinaryOp) and cond.op == "&&":
        return _wait_failure(cond.left, waits) or _wait_failure(cond.right, waits)
    if not (isinstance(cond, c_ast.BinaryOp) and cond.op in ("<", "==")):
        return None
    left, right = cond.left, cond.right
    negative = cond.op == "<" and isinstance(right, c_ast.Constant) and right.value == "0" or \
        cond.op == "==" and isinstance(right, c_ast.UnaryOp) and right.op == "-" and \
        isinstance(right.expr, c_ast.Constant) and right.expr.value == "1"
    if not negative:
        return None
    if isinstance(left, c_ast.Assignment):
        left = left.rvalue
    if isinstance(left, c_ast.ID) and left.name in waits:
        return f"{waits[left.name]} fails"
    if isinstance(left, c_ast.FuncCall) and isinstance(left.name, c_ast.ID) and left.name.name in EVENT_WAITS:
        return f"{left.name.name} fails"
    return None


def _is_fork_call(e) -> bool:
    """fork(), vfork() or a wrapper named like them (vsf_sysutil_fork_failok)."""
    return isinstance(e, c_ast.FuncCall) and isinstance(e.name, c_ast.ID) and \
        "fork" in e.name.name and "atfork" not in e.name.name


def _fork_results(body) -> set[str]:
    """Local names that only ever hold the result of a fork call (a name also
    given a read(2) count, say, would make its `== 0` test ambiguous)."""
    forked, other = set(), set()
    for n in walk(body):
        if isinstance(n, c_ast.Assignment) and isinstance(n.lvalue, c_ast.ID):
            (forked if n.op == "=" and _is_fork_call(n.rvalue) else other).add(n.lvalue.name)
        elif isinstance(n, c_ast.Decl) and n.name and n.init is not None:
            (forked if _is_fork_call(n.init) else other).add(n.name)
    return forked - other


def _child_branch(cond, forked: set[str]) -> Optional[str]:
    """'iftrue' or 'iffalse': which branch of `if (cond)` runs in the forked
    child (fork returned 0), for the tests `x == 0`, `!x`, `x != 0`, `x`
    where x is a fork result (or `(x = fork())`, or the call itself)."""
    def is_pid(e) -> bool:
        if isinstance(e, c_ast.Assignment) and e.op == "=":
            e = e.rvalue
        return isinstance(e, c_ast.ID) and e.name in forked or _is_fork_call(e)

    def is_zero(e) -> bool:
        return isinstance(e, c_ast.Constant) and e.value in ("0", "0L", "0l", "0u", "0U")

    if isinstance(cond, c_ast.BinaryOp) and cond.op in ("==", "!="):
        if is_pid(cond.left) and is_zero(cond.right) or is_pid(cond.right) and is_zero(cond.left):
            return "iftrue" if cond.op == "==" else "iffalse"
    if isinstance(cond, c_ast.UnaryOp) and cond.op == "!" and is_pid(cond.expr):
        return "iftrue"
    if is_pid(cond):
        return "iffalse"
    return None


def _ends_in_continue(stmt) -> bool:
    while isinstance(stmt, c_ast.Compound) and stmt.block_items:
        stmt = stmt.block_items[-1]
    return isinstance(stmt, c_ast.Continue)


def _always_true(cond) -> bool:
    if isinstance(cond, c_ast.Constant) and cond.type in ("int", "unsigned int", "long int", "char"):
        v = cond.value.rstrip("uUlL")
        try:
            return int(v, 0) != 0
        except ValueError:
            return False
    if isinstance(cond, c_ast.ID) and cond.name == "true":
        return True
    return False


def _leaves(stmt, forked: frozenset[str] | set[str] = frozenset(),
            guard: Optional[Callable[[c_ast.Node], Optional[str]]] = None,
            guarded: Optional[list[str]] = None) -> bool:
    """Does a loop body contain a break/return/goto that leaves the loop (in
    the process running it: not in the branch a forked child takes)?  With
    `guard`: an exit under `if (cond)` with guard(cond) not None does not
    count; guard(cond) is appended to `guarded` instead."""
    labels = {n.name for n in walk(stmt) if isinstance(n, c_ast.Label)}

    def scan(n, breakable_depth):
        if n is None:
            return False
        if isinstance(n, c_ast.If):
            child = _child_branch(n.cond, forked)
            if child is not None:
                parent = n.iffalse if child == "iftrue" else n.iftrue
                return scan(parent, breakable_depth)
            why = guard(n.cond) if guard is not None else None
            if why is not None:
                if scan(n.iftrue, breakable_depth):
                    guarded.append(why)
                return scan(n.iffalse, breakable_depth)
        if isinstance(n, c_ast.Compound):
            # `if (pid != 0) { ...; continue; }` with no else: what follows in
            # the block runs in the child alone
            for item in n.block_items or ():
                if scan(item, breakable_depth):
                    return True
                if isinstance(item, c_ast.If) and item.iffalse is None and \
                        _child_branch(item.cond, forked) == "iffalse" and \
                        _ends_in_continue(item.iftrue):
                    return False
            return False
        if isinstance(n, c_ast.Return):
            return True
        if isinstance(n, c_ast.Goto):
            return n.name not in labels
        if isinstance(n, c_ast.Break):
            return breakable_depth == 0
        inner = isinstance(n, (c_ast.For, c_ast.While, c_ast.DoWhile, c_ast.Switch))
        return any(scan(c, breakable_depth + (1 if inner else 0)) for _, c in n.children())

    return scan(stmt, 0)


def function_type_deps(funcdef: c_ast.FuncDef, scope: Scope, fn: FunctionEntity) -> None:
    type_refs(funcdef.decl.type, scope, False, fn.sig_type_deps, None)
    for p in funcdef.param_decls or ():
        type_refs(p, scope, False, fn.sig_type_deps, None)
    fn.type_deps |= fn.sig_type_deps
    for n in walk(funcdef.body):
        if isinstance(n, (c_ast.Decl, c_ast.Typename, c_ast.Typedef)):
            type_refs(n.type, scope, False, fn.type_deps, None)
        elif isinstance(n, (c_ast.Struct, c_ast.Union, c_ast.Enum)):
            key = tag_key(n)
            if key:
                fn.type_deps.add(key)


_TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[{}\n]', re.S)


def brace_lines(text: str) -> list[tuple[int, int]]:
    """(line, +1 for `{` / -1 for `}`) outside comments, strings and chars."""
    out, line = [], 1
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok == "{":
            out.append((line, 1))
        elif tok == "}":
            out.append((line, -1))
        line += tok.count("\n")
    return out


def closing_brace_line(braces: list[tuple[int, int]], start_line: int) -> int:
    """Line of the `}` closing the first `{` at or after `start_line` (0 if
    the braces do not balance, e.g. a body built by macros)."""
    depth = 0
    for line, step in braces[bisect.bisect_left(braces, (start_line, -2)):]:
        depth += step
        if depth == 0:
            return line
        if depth < 0:
            return 0
    return 0


def max_line(node, file: str) -> int:
    best = 0
    for n in walk(node):
        c = n.coord
        if c is not None and c.file == file and c.line > best:
            best = c.line
    return best


# --------------------------------------------------------------------------
# the TU
# --------------------------------------------------------------------------


class TUBuilder:
    def __init__(self, tu: str, is_system: Callable[[str], bool], rel: Callable[[str], str]):
        self.tu = tu
        self.is_system = is_system      # coord.file -> declared in a fake header?
        self.rel = rel                  # coord.file -> Coord.file
        self.scope = Scope()
        self.facts = TUFacts(tu)
        self.types: dict[str, TypeEntity] = {}
        self.anon_enum = 0
        self.braces: dict[str, list] = {}       # file -> brace_lines(), for end lines

    def coord(self, node) -> Coord:
        c = node.coord
        if c is None:
            return Coord(self.tu, 0)
        return Coord(self.rel(c.file), c.line)

    def system(self, node) -> bool:
        return node.coord is not None and self.is_system(node.coord.file)

    def end_line(self, f: c_ast.FuncDef) -> int:
        """The line of the closing brace (the last line with a node if the
        source does not show it)."""
        if f.coord is None:
            return 0
        path = f.coord.file
        if path not in self.braces:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    self.braces[path] = brace_lines(fh.read())
            except OSError:
                self.braces[path] = []
        last = max(max_line(f, path), f.coord.line)
        end = closing_brace_line(self.braces[path], f.coord.line)
        return end if end >= last else last

    # -- types --
    def register_types(self, type_node) -> None:
        """Every struct/union/enum (definition or mention) inside a type tree."""
        for n in walk(type_node):
            if isinstance(n, (c_ast.Struct, c_ast.Union, c_ast.Enum)):
                self.register_tag(n)

    def register_tag(self, n) -> None:
        key = tag_key(n)
        body = has_body(n)
        if isinstance(n, c_ast.Enum) and n.values is not None:
            ekey = key or self.anon_enum_key(n)
            for e in n.values.enumerators:
                self.scope.enumerators[e.name] = ekey
                self.facts.enumerators[e.name] = ekey
            if key is None and ekey not in self.types:
                self.types[ekey] = TypeEntity(ekey, "enum", "", n, self.coord(n), self.system(n), generate(n))
        if key is None:
            return
        old = self.types.get(key)
        if old is not None and (has_body(old.node) or not body):
            return
        kind = TAG_KINDS[type(n)]
        if body:
            self.scope.tags[key] = n
        ent = TypeEntity(key, kind, n.name, n, self.coord(n), self.system(n),
                         tag_text(n) if body else f"{kind} {n.name}")
        if body and kind != "enum":
            for d in n.decls:
                type_refs(d, self.scope, True, ent.deps, ent.deps_by_value, key)
        self.types[key] = ent

    def anon_enum_key(self, n) -> str:
        first = n.values.enumerators[0].name if n.values.enumerators else str(self.anon_enum)
        self.anon_enum += 1
        return f"enum (anonymous: {first})"

    def typedef(self, n: c_ast.Typedef) -> None:
        self.register_types(n.type)
        self.scope.typedefs[n.name] = n
        self.scope.names.pop(n.name, None)
        key = f"typedef {n.name}"
        ent = TypeEntity(key, "typedef", n.name, n, self.coord(n), self.system(n), generate(n))
        type_refs(n.type, self.scope, True, ent.deps, ent.deps_by_value, key)
        self.types[key] = ent

    # -- objects and functions --
    def linkage_key(self, name: str, storage: list[str]) -> str:
        if "static" in storage:
            self.scope.static_names.add(name)
        if name in self.scope.static_names:
            return static_key(name, self.tu)
        return name

    def decl(self, n: c_ast.Decl) -> None:
        system = self.system(n)
        if not (system and isinstance(n.type, c_ast.FuncDecl)):
            # (a libc prototype only mentions tags its header defines elsewhere)
            self.register_types(n.type)
        if not n.name:
            return
        if isinstance(n.type, c_ast.FuncDecl):
            # system functions keep their plain name: the merge drops keys the
            # program does not define, and a program may define a libc name
            key = n.name if system else self.linkage_key(n.name, n.storage)
            self.scope.names[n.name] = ("func", key)
            self.scope.returns[n.name] = n.type.type
            return
        if system:
            self.scope.names[n.name] = ("var", n.name, n.type)
            return
        key = self.linkage_key(n.name, n.storage)
        self.scope.names[n.name] = ("var", key, n.type)
        defined = "extern" not in n.storage or n.init is not None
        ent = GlobalEntity(key=key, name=n.name, file=self.tu, static=key != n.name, node=n,
                           coord=self.coord(n), type_text=type_text(n.type),
                           init_text=generate(n.init) if n.init is not None else None,
                           const=object_is_const(n.type), extern_only=not defined)
        type_refs(n.type, self.scope, True, ent.type_deps, None)
        resolver = ScopedVisitor(self.scope)
        resolver.run_file_scope(n)
        ent.refs = resolver.refs
        self.facts.globals.append(GlobalDecl(ent, defined))

    def funcdef(self, f: c_ast.FuncDef) -> None:
        d = f.decl
        knr = prototype_from_knr(f)
        self.register_types(d.type)
        self.scope.returns[d.name] = d.type.type
        if knr is not None and not self.system(f):
            self.facts.warnings.append(replace(knr, coord=self.coord(f)))
        if self.system(f):
            self.scope.names[d.name] = ("func", d.name)
            return
        key = self.linkage_key(d.name, d.storage)
        self.scope.names[d.name] = ("func", key)
        fn = FunctionEntity(key=key, name=d.name, file=self.tu, static=key != d.name,
                            inline="inline" in d.funcspec, node=f, coord=self.coord(f),
                            signature_text=signature_text(f), body_text=generate(f.body))
        function_type_deps(f, self.scope, fn)
        BodyAnalyzer(self.scope, fn).run(f)
        fn.loops_forever = loops_forever(f.body)
        if not fn.loops_forever:
            params = {p.name for p in getattr(d.type.args, "params", None) or () if getattr(p, "name", None)}
            fn.loop_exit = loop_exit(f.body, params, {k.split("@")[0] for k in fn.reads})
        fn.end_line = self.end_line(f)
        self.facts.functions.append(fn)

    def build(self, ast: c_ast.FileAST) -> TUFacts:
        for ext in ast.ext:
            if isinstance(ext, c_ast.Typedef):
                self.typedef(ext)
            elif isinstance(ext, c_ast.Decl):
                self.decl(ext)
            elif isinstance(ext, c_ast.FuncDef):
                self.funcdef(ext)
        self.facts.types = self.keep_types()
        return self.facts

    def keep_types(self) -> list[TypeEntity]:
        """Program types, and the system types the program reaches."""
        keep = [t for t in self.types.values() if not t.system]
        want: set[str] = set()
        for t in keep:
            want |= t.deps
        for g in self.facts.globals:
            want |= g.entity.type_deps
        for f in self.facts.functions:
            want |= f.type_deps
        seen = {t.key for t in keep}
        todo = [k for k in want if k not in seen]
        while todo:
            k = todo.pop()
            if k in seen or k not in self.types:
                continue
            seen.add(k)
            t = self.types[k]
            keep.append(t)
            todo.extend(d for d in t.deps if d not in seen)
        return keep


def build_tu(ast: c_ast.FileAST, tu: str, is_system, rel, system_includes: list[str],
             dropped: list[tuple[str, int, str]] = (), prologue: list[str] = ()) -> TUFacts:
    facts = TUBuilder(tu, is_system, rel).build(ast)
    facts.system_includes = list(system_includes)
    facts.system_prologue = list(prologue)
    for file, line, attr in dropped:
        if attr == "asm label":
            facts.warnings.append(Warning_(
                "asm-label-dropped", "an asm label (__asm__(\"symbol\")) on a declaration is invisible "
                "to polusgen: code it emits from here uses the C name", Coord(file, line)))
        else:
            facts.warnings.append(Warning_(
                "attribute-dropped",
                f"__attribute__(({attr})) is invisible to polusgen: code it emits from here lacks it",
                Coord(file, line)))
    return facts
