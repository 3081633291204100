"""C scoping of identifiers, done once, in the frontend.

`ScopedVisitor` is the one visitor base (pycparser's c_ast.NodeVisitor, with
C's block scopes) that says what every identifier of a function body or a
file-scope declaration means: a local, an enumerator, or a program-level
function or object -- a block-scope `extern int g;` names the file-scope `g`,
not a local.  Every binding it makes is recorded in `refs`:

    model.ref_key(ID node) -> ("global" | "function" | "enum", key)

and kept on the entity (FunctionEntity.refs, GlobalEntity.refs), so later
stages (the patch's renaming) look a reference up instead of resolving it a
second way.  An identifier with no entry is a local, a member name or
something the program does not declare (a libc macro's leftovers).
"""
from __future__ import annotations

from pycparser import c_ast

from polusgen.csyntax.cgen import REWRITTEN_MACROS
from polusgen.model import ref_key

LOCAL = ("local",)
_KIND = {"var": "global", "func": "function", "enum": "enum"}


class ScopedVisitor(c_ast.NodeVisitor):
    """Block scopes over a file `scope` (polusgen.frontend.tu.Scope: file-scope
    names, enumerators, typedefs).  Subclasses override visit_* to learn more
    about each use; they find its meaning with `bind`."""

    def __init__(self, scope):
        self.scope = scope
        self.blocks: list[dict[str, tuple]] = []
        self.refs: dict[tuple, tuple[str, str]] = {}

    # -- resolution --
    def resolve(self, name: str):
        """LOCAL, ("enum", key), ("var", key, type), ("func", key) or None."""
        for b in reversed(self.blocks):
            if name in b:
                return b[name]
        if name in self.scope.enumerators:
            return ("enum", self.scope.enumerators[name])
        return self.scope.names.get(name)

    def bind(self, node: c_ast.ID, default=None):
        """The meaning of identifier `node` here, recorded in refs."""
        r = self.resolve(node.name)
        if r is None:
            r = default
        if r is not None and r is not LOCAL:
            k = ref_key(node)
            if k is not None:
                self.refs[k] = (_KIND[r[0]], r[1])
        return r

    def declare_local(self, decl: c_ast.Decl) -> None:
        if not decl.name:
            return
        if "extern" in decl.storage or isinstance(decl.type, c_ast.FuncDecl):
            # a block-scope declaration of a file-scope object or function
            default = ("func", decl.name) if isinstance(decl.type, c_ast.FuncDecl) \
                else ("var", decl.name, decl.type)
            self.blocks[-1][decl.name] = self.scope.names.get(decl.name, default)
        else:
            self.blocks[-1][decl.name] = LOCAL

    # -- entry points --
    def run(self, funcdef: c_ast.FuncDef) -> None:
        params = {}
        fdecl = funcdef.decl.type
        if isinstance(fdecl, c_ast.FuncDecl) and fdecl.args is not None:
            for p in fdecl.args.params:
                name = getattr(p, "name", None)
                if name:
                    params[name] = LOCAL
        for p in funcdef.param_decls or ():
            if p.name:
                params[p.name] = LOCAL
        self.blocks.append(params)
        self.visit_type(funcdef.decl.type)      # `int a[n]` names the parameter n
        self.visit(funcdef.body)
        self.blocks.pop()

    def run_file_scope(self, decl: c_ast.Decl) -> None:
        """A file-scope declaration: its type's expressions and its initializer."""
        self.visit_type(decl.type)
        self.visit(decl.init)

    # -- traversal --
    def visit(self, node):
        if node is not None:
            super().visit(node)

    def generic_visit(self, node):
        for _, c in node.children():
            self.visit(c)

    def visit_Compound(self, n):
        self.blocks.append({})
        for item in n.block_items or ():
            self.visit(item)
        self.blocks.pop()

    def visit_For(self, n):
        self.blocks.append({})
        self.visit(n.init)
        self.visit(n.cond)
        self.visit(n.next)
        self.visit(n.stmt)
        self.blocks.pop()

    def visit_Decl(self, n):
        self.declare_local(n)
        self.visit_type(n.type)
        self.visit(n.init)
        self.visit(n.bitsize)

    def visit_Typedef(self, n):
        self.blocks[-1][n.name] = LOCAL
        self.visit_type(n.type)

    def visit_type(self, t):
        """Expressions inside a type (array sizes, enumerators, sizeofs)."""
        if t is None:
            return
        stack = [t]
        while stack:
            x = stack.pop()
            if isinstance(x, c_ast.ArrayDecl) and x.dim is not None:
                self.visit(x.dim)
            elif isinstance(x, c_ast.Enumerator):
                self.visit(x.value)
                continue
            elif isinstance(x, c_ast.Decl) and x.bitsize is not None:
                self.visit(x.bitsize)
            stack.extend(c for _, c in x.children())

    def visit_Typename(self, n):
        self.visit_type(n.type)

    def visit_ID(self, n):
        self.bind(n)

    def visit_StructRef(self, n):
        self.visit(n.name)          # n.field names a member, not a variable

    def visit_NamedInitializer(self, n):
        for d in n.name:
            if not isinstance(d, c_ast.ID):
                self.visit(d)       # array designator [expr]
        self.visit(n.expr)

    def visit_FuncCall(self, n):
        if isinstance(n.name, c_ast.ID) and n.name.name == "__polus_offsetof" and n.args is not None:
            _, type_args = REWRITTEN_MACROS[n.name.name]
            for i in type_args:
                self.visit(n.args.exprs[i])     # the member designator is not an expression
            return
        self.generic_visit(n)
