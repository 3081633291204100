"""The patch's side of the transfer points: per usable point, a resume entry
(the new body entered after the call), a transfer function that gathers the
old frame's variables from a struct polus_xfer_frame and runs it, and a
landing entry the injector writes over the old return address."""
from __future__ import annotations

import copy

from pycparser import c_ast

from polusgen.manifest import Transfer
from polusgen.plan.draft import sanitize

from . import source
from .points import TransferPoint


def _source_of(v, cfa: str) -> str:
    """A C expression for the address the value of `v` is read from (or the value itself)."""
    if v.kind == "reg":
        return f"&f->{v.reg}"
    base = cfa if v.base == "cfa" else f"f->{v.base}"
    return f"(void *)({base} + {v.offset})"


def transfer_items(w, cs) -> tuple[list[str], list[Transfer]]:
    """(C text of every usable point, their manifest records).  `w` is the
    emitter's PatchWriter: the resume entries are renamed like the new function."""
    from polusgen.plan.rename import cprint

    texts, records = [], []
    for key, points in sorted(cs.transfers.items()):
        ent = cs.functions[key].new
        for n, p in enumerate(points):
            if not p.usable:
                continue
            ident = f"{sanitize(key)}_{n}"
            resume, xfer, land = f"polus_resume_{ident}", f"polus_xfer_{ident}", f"polus_land_{ident}"
            node = w.renamer("new", ent.refs).rename(ent.node)
            source.resume_entry(node, p.call_index, resume)
            texts.append(f"/* {key}: resumed after the call of {p.callee} at line {p.line} of the old source */\n"
                         + cprint(node).rstrip())
            texts.append(_xfer_function(xfer, resume, node, p, cprint))
            texts.append(_landing(land, xfer))
            p.symbol = land
            records.append(Transfer(key, p.callee, p.line, p.return_pc, p.offset, land))
    return texts, records


def _xfer_function(name: str, resume: str, node: c_ast.FuncDef, p: TransferPoint, cprint) -> str:
    params = node.decl.type.args.params[1:]          # after __polus_result
    cfa = "cfa"
    lines = [f"static __attribute__((used, noinline)) void {name}(struct polus_xfer_frame *f)", "{",
             f"    uint64_t cfa = f->{p.cfa_reg} + {p.cfa_offset};"]
    args = ["(long) f->rax"]
    for v, decl in zip(p.live, params):
        d = copy.deepcopy(decl)
        lines.append(f"    {cprint(d)};")
        if v.by_ref:
            lines.append(f"    {decl.name} = (void *)({cfa if v.base == 'cfa' else 'f->' + v.base} + {v.offset});")
        elif v.kind == "const":
            lines.append(f"    {decl.name} = {v.offset};")
        else:
            lines.append(f"    __builtin_memcpy(&{decl.name}, {_source_of(v, cfa)}, sizeof {decl.name});")
        args.append(decl.name)
    # the old function's caller gets its registers back; ret takes the return address at the CFA - 8
    for reg, off in sorted(p.saved.items()):
        lines.append(f"    f->{reg} = *(uint64_t *)(cfa + {off});")
    lines.append("    f->out_rsp = cfa - 8;")
    call = f"{resume}({', '.join(args)})"
    returns = node.decl.type.type
    void = isinstance(returns, c_ast.TypeDecl) and isinstance(returns.type, c_ast.IdentifierType) and \
        returns.type.names == ["void"]
    lines.append(f"    {call};" if void else f"    f->rax = (uint64_t)(intptr_t)({call});")
    lines.append("}")
    return "\n".join(lines)


def _landing(name: str, xfer: str) -> str:
    return (f'__asm__(".text\\n.globl {name}\\n.type {name}, @function\\n.p2align 4\\n{name}:\\n"\n'
            f'        "    leaq {xfer}(%rip), %r11\\n    jmp polus_transfer_land@PLT\\n"\n'
            f'        ".size {name}, .-{name}\\n");')
