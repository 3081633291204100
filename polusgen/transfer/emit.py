"""The patch's side of the transfer points.

Forward, per usable point: a resume entry (the new body entered after the
call; exported and registered as a new function, so a rollback sees it
run), a transfer function that gathers the old frame's variables from a
struct polus_xfer_frame and runs it, and a landing entry the injector
writes over the old return address.

Back (a rollback), per call of the old body that a call of the new body
matches (the k-th call of the same callee): a back entry (the old body
entered after that call, calling the old program through its imports), a
transfer function that reads the resume entry's variables where a
polus_back_site says (filled by the injector from the patch's own debug
information at rollback: where gcc put them is known only once the patch is
built) and a landing."""
from __future__ import annotations

import copy
from collections import defaultdict

from pycparser import c_ast

from polusgen.manifest import BackTransfer, Transfer
from polusgen.plan.draft import sanitize

from . import source
from .layout import BACK_SUPPORT, BACK_VARS
from .points import TransferPoint, _changed_types, _return_problem, _type_keys, _type_text

# Two entries with the same body (two calls of the old code that match one
# call of the new) must not become one calling the other (gcc's identical
# code folding): the caller would stay on the stack, in the entry's range.
NO_IPA = "__attribute__((noipa)) "


def _source_of(v, cfa: str) -> str:
    """A C expression for the address the value of `v` is read from (or the value itself)."""
    if v.kind == "reg":
        return f"&f->{v.reg}"
    base = cfa if v.base == "cfa" else f"f->{v.base}"
    return f"(void *)({base} + {v.offset})"


def transfer_items(w, cs) -> tuple[list[str], list[Transfer], list[BackTransfer]]:
    """(C text of every usable point and of the back entries, their manifest
    records).  `w` is the emitter's PatchWriter: the resume entries are
    renamed like the new function, the back entries like old code."""
    from polusgen.plan.rename import cprint

    texts, records, backs, back_texts = [], [], [], []
    for key, points in sorted(cs.transfers.items()):
        ent = cs.functions[key].new
        for n, p in enumerate(points):
            if not p.usable:
                continue
            ident = f"{sanitize(key)}_{n}"
            resume, xfer, land = f"polus_resume_{ident}", f"polus_xfer_{ident}", f"polus_land_{ident}"
            node = w.renamer("new", ent.refs).rename(ent.node)
            source.resume_entry(node, p.call_index, resume, static=False)
            texts.append(f"/* {key}: resumed after the call of {p.callee} at line {p.line} of the old source */\n"
                         "POLUS_EXPORT " + NO_IPA + cprint(node).rstrip())
            texts.append(_xfer_function(xfer, resume, node, p, cprint))
            texts.append(_landing(land, xfer))
            p.symbol = land
            records.append(Transfer(key, p.callee, p.line, p.return_pc, p.offset, land, resume, p.lib, p.within))
        if any(p.usable for p in points):
            t, b = _back_items(w, cs, key, cprint)
            back_texts += t
            backs += b
    if backs:
        olds = w.old_copy_items()
        texts += [BACK_SUPPORT] + [f"{c.proto};" for c in olds] + \
            [f"/* {c.key}, old version: a private copy (no symbol in the binary) */\n{c.text}" for c in olds] + \
            back_texts
    return texts, records, backs


def _by_callee(fn: c_ast.FuncDef) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(source.calls(fn)):
        name = source.callee_name(c)
        if name:
            out[name].append(i)
    return out


def _back_items(w, cs, key: str, cprint) -> tuple[list[str], list[BackTransfer]]:
    """The back entries of never-left function `key`: one per call of the old
    body whose callee, a function, the new body calls as often (the k-th call
    of each matches), whose variables live after it the new body has, of the
    same type and used the same way."""
    ch = cs.functions[key]
    if _return_problem(ch.old.node.decl.type.type):
        return [], []
    old = w.old_code_renamer(ch.old.refs).rename(ch.old.node)
    new_decls = {n.name: n for n in source._walk(ch.new.node) if isinstance(n, c_ast.Decl) and n.name}
    changed = _changed_types(cs)
    new_calls, old_calls = _by_callee(ch.new.node), _by_callee(ch.old.node)
    texts, out = [], []
    for callee, olds in sorted(old_calls.items()):
        if len(new_calls.get(callee, [])) != len(olds):
            continue
        if callee in ch.old.undeclared_calls and not any(f.name == callee for f in cs.old.functions.values()):
            continue        # no call instruction to wait in: a macro (FD_ZERO is a do-while), or unknown
        for rank, j in enumerate(olds):
            found = source.locate(ch.old.node, j)
            if found.problem or len(found.live) > BACK_VARS:
                continue
            if found.uses_result and callee in ch.old.calls_not_in_rax:
                continue        # the landing hands the value over in rax (vsftpd's struct vsf_client_launch)
            if any(v.name not in new_decls or _type_text(v.decl) != _type_text(new_decls[v.name])
                   or _type_keys(v.decl.type) & changed or source.in_place(ch.new.node, v.name) != v.by_ref
                   for v in found.live):
                continue
            ident = f"{sanitize(key)}_{j}"
            back, xfer, land = f"polus_back_{ident}", f"polus_bxfer_{ident}", f"polus_bland_{ident}"
            node = source.resume_entry(copy.deepcopy(old), j, back, static=False)
            texts.append(f"/* {key}, old version: resumed after its call {rank + 1} of {callee} (rollback) */\n"
                         + "POLUS_EXPORT " + NO_IPA + cprint(node).rstrip())
            texts.append(_back_xfer_function(xfer, back, node, cprint))
            texts.append(_landing(land, xfer))
            out.append(BackTransfer(key, callee, rank, len(olds), land, [[v.name, v.by_ref] for v in found.live]))
    return texts, out


def _call_back(f: str, resume: str, args: list[str], node: c_ast.FuncDef) -> str:
    """The resume entry's call, its result (if any) left in f->rax for the landing."""
    call = f"{resume}({', '.join(args)})"
    returns = node.decl.type.type
    void = isinstance(returns, c_ast.TypeDecl) and isinstance(returns.type, c_ast.IdentifierType) and \
        returns.type.names == ["void"]
    return f"    {call};" if void else f"    {f}->rax = (uint64_t)(intptr_t)({call});"


def _xfer_function(name: str, resume: str, node: c_ast.FuncDef, p: TransferPoint, cprint) -> str:
    params = node.decl.type.args.params[1:]          # after __polus_result
    cfa = "cfa"
    lines = [f"static __attribute__((used, noinline)) void {name}(struct polus_xfer_frame *f)", "{",
             f"    uint64_t cfa = f->{p.cfa_reg} + {p.cfa_offset};"]
    args = ["(long) f->rax"]
    for v, decl in zip(p.live, params):
        d = copy.deepcopy(decl)
        lines.append(f"    {cprint(d)};")
        if v.by_ref and not v.indirect:
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
    lines.append(_call_back("f", resume, args, node))
    lines.append("}")
    return "\n".join(lines)


def _back_xfer_function(name: str, back: str, node: c_ast.FuncDef, cprint) -> str:
    params = node.decl.type.args.params[1:]          # after __polus_result
    lines = [f"static __attribute__((used, noinline)) void {name}(struct polus_xfer_frame *f)", "{",
             "    struct polus_back_site *d = polus_back_site_of(f);",
             "    uint64_t cfa = polus_back_cfa(f, d);"]
    args = ["(long) f->rax"]
    for i, decl in enumerate(params):
        lines.append(f"    {cprint(copy.deepcopy(decl))};")
        lines.append(f"    __builtin_memcpy(&{decl.name}, polus_back_at(f, d, cfa, {i}), sizeof {decl.name});")
        args.append(decl.name)
    lines.append("    polus_back_leave(f, d, cfa);")
    lines.append(_call_back("f", back, args, node))
    lines.append("}")
    return "\n".join(lines)


def _landing(name: str, xfer: str) -> str:
    return (f'__asm__(".text\\n.globl {name}\\n.type {name}, @function\\n.p2align 4\\n{name}:\\n"\n'
            f'        "    leaq {xfer}(%rip), %r11\\n    jmp polus_transfer_land@PLT\\n"\n'
            f'        ".size {name}, .-{name}\\n");')
