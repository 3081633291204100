"""C text from pycparser nodes, with the fake headers' rewrites undone.

The fake headers (fake_libc_include/README.md) turn the few system macros
pycparser cannot parse as a call into a call it can:

    va_arg(ap, T)                    ->  __polus_va_arg(ap, (T *)0)
    offsetof(T, m)                   ->  __polus_offsetof((T *)0, m)
    __builtin_types_compatible_p(A,B)->  __polus_types_compatible_p((A *)0, (B *)0)

and the frontend carries asm statements and string-valued system macros as
calls and marker strings (polusgen.csyntax.carried).

`SourceGenerator` prints such calls back in their original spelling, so the
text it produces compiles against the real headers.  Everything else prints as
pycparser's CGenerator prints it.  The frontend prints canonical texts with it
(the diff compares them), the patch its code.
"""
from __future__ import annotations

from pycparser import c_ast, c_generator

from .carried import ASM_CALL, MARKER_RE
from .carried import decode as decode_asm

# rewritten name -> (original spelling, indexes of the arguments that carry a type as `(T *)0`)
REWRITTEN_MACROS: dict[str, tuple[str, tuple[int, ...]]] = {
    "__polus_va_arg": ("va_arg", (1,)),
    "__polus_offsetof": ("offsetof", (0,)),
    "__polus_types_compatible_p": ("__builtin_types_compatible_p", (0, 1)),
}


def type_of_marker(node: c_ast.Node) -> c_ast.Typename | None:
    """For `(T *)0`, the Typename of T; None if `node` is not such a marker."""
    if not (isinstance(node, c_ast.Cast) and isinstance(node.expr, c_ast.Constant)
            and node.expr.value == "0" and isinstance(node.to_type, c_ast.Typename)
            and isinstance(node.to_type.type, c_ast.PtrDecl)):
        return None
    to = node.to_type
    return c_ast.Typename(name=None, quals=to.quals, align=None, type=to.type.type, coord=to.coord)


def rewritten_call(node: c_ast.Node) -> tuple[str, list[c_ast.Node]] | None:
    """(original macro name, its arguments with types as Typename nodes) if
    `node` is a call the fake headers produced from a macro, else None."""
    if not (isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID)):
        return None
    spec = REWRITTEN_MACROS.get(node.name.name)
    if spec is None or node.args is None:
        return None
    original, type_args = spec
    args = list(node.args.exprs)
    for i in type_args:
        if i >= len(args):
            return None
        t = type_of_marker(args[i])
        if t is None:
            return None
        args[i] = t
    return original, args


def system_strings(literal: str) -> str:
    """A string literal with the markers of string-valued system macros
    (polusgen.frontend.realheaders) spelled as written:
    `"\\001polus:_PATH_BSHELL\\001 -c"` -> `_PATH_BSHELL " -c"`."""
    prefix, _, rest = literal.partition('"')
    parts = MARKER_RE.split(rest[:-1])
    out = [f'{prefix}"{text}"' if i % 2 == 0 else text for i, text in enumerate(parts) if text]
    return " ".join(out) if out else literal


class SourceGenerator(c_generator.CGenerator):
    """CGenerator that prints rewritten system macros in their original
    spelling, and a tagged struct/union/enum body once: in
    `struct l { ... } *a, *b;` pycparser gives a and b one shared Struct node,
    and printing its body twice would define `struct l` twice."""

    def _generate_struct_union_enum(self, n, name: str) -> str:
        body = (n.values if isinstance(n, c_ast.Enum) else n.decls) is not None
        if body and n.name:
            printed = self.__dict__.setdefault("_polus_bodies", set())
            if id(n) in printed:
                return f"{name} {n.name}"
            printed.add(id(n))
        return super()._generate_struct_union_enum(n, name)

    def visit_Constant(self, n: c_ast.Constant) -> str:
        if n.type == "string" and "polus:" in n.value:
            return system_strings(n.value)
        return super().visit_Constant(n)

    def visit_FuncCall(self, n: c_ast.FuncCall) -> str:
        if isinstance(n.name, c_ast.ID) and n.name.name == ASM_CALL and n.args is not None:
            # an asm statement as written, its operands' expressions printed in place
            return "".join(decode_asm(a.value) if k % 2 == 0 else self.visit(a) for k, a in enumerate(n.args.exprs))
        orig = rewritten_call(n)
        if orig is None:
            return super().visit_FuncCall(n)
        name, args = orig
        return name + "(" + ", ".join(self.visit(a) if not isinstance(a, c_ast.Typename)
                                       else self._generate_type(a, emit_declname=False)
                                       for a in args) + ")"


def generate(node: c_ast.Node) -> str:
    """Canonical text of a node (one generator per call: it keeps indentation state)."""
    return SourceGenerator().visit(node)
