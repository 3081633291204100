"""What a patch cannot carry: error-level findings.

When the constructor knows that state the new code will read is not carried
over, the patch must not activate as if all were well.  Three cases, each seen
crash a real server after an update that reported success:

* unsynced   a changed global, or a member of a changed struct, that the sync
             functions skip although it holds running state (a hash table
             `struct rec **tab` whose records changed): the new copy keeps its
             initial value and new code finds NULL.
* untyped    new code reaches objects of a changed struct through an untyped
             pointer (a `void *` argument, a cast): the running program's
             objects have the old layout, the heap tracing never sees them, and
             new code reads and writes them as the new one, past their end.
* replaced   a new global takes over from a deleted one (a function that used
             the old one uses the new one) and is filled only at start-up (by
             code that never runs again in the running process): new code reads
             its initial value.
* stack      an object of a changed struct on the stack of a never-left
             function (main) whose address it passes to a signature-changed
             function: the stub hands new code the object's counterpart, and
             an object on a stack has none (NULL).
* startup    a new global, or a new member of a changed struct a global
             holds, that start-up code always fills (a plain assignment of a
             non-zero value, outside any condition) and never fills again in
             the running process, read by new code: it reads its initial value
             where a new process would find the start-up one.

Each finding names the user functions (`user_polus_<what>`, see
templates/USER_CODE.md) that cover it, with a skeleton of them.  The patch's
manifest records every finding and whether the user code built into the
library covers it: the preprocessor decides (`coverage_condition`), so a
library built elsewhere carries the truth too.  `build` and `apply` refuse an
uncovered finding unless forced.  A skeleton compiles as it is but marks each
function `POLUS_TODO_<what>`: it covers nothing until the user has filled it in
and deleted the marker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from pycparser import c_ast

from polusgen.manifest import covers_text
from polusgen.model import ERROR, Coord, Program, Status, Warning_

if TYPE_CHECKING:
    from .draft import Draft as PatchPlan
    from .spell import PatchWriter
    from .sync import Skip, SyncBuilder

# calls whose result is fresh memory: casting it to a changed struct makes a new object
_FRESH = re.compile(r"alloc|^strn?dup$|^mmap$", re.I)
_LOOPS = (c_ast.For, c_ast.While, c_ast.DoWhile)


@dataclass(frozen=True)
class Finding(Warning_):
    """An error-level finding: `message` is "<entity>: <reason>"."""
    entity: str = ""              # the global or type, as messages name it
    reason: str = ""
    covers: tuple[str, ...] = ()  # every user_polus_<what> that must be defined (and no longer TODO)
    skeleton: str = ""            # C text of those functions, to be filled in
    covered: bool = False         # by the user code given to `polusgen diff`
    or_covers: tuple[str, ...] = ()   # another set of functions that covers it as well (none: only `covers`)
    replaces: tuple[Warning_, ...] = ()   # warnings that said less about the same thing

    def __str__(self) -> str:
        text = super().__str__()
        if self.covered:
            text += f" (covered by the user code: {covers_text(self.covers, self.or_covers)})"
        return text


def finding(code: str, entity: str, reason: str, covers: tuple[str, ...], skeleton: str,
            coord: Optional[Coord], replaces: tuple[Warning_, ...] = (), or_covers: tuple[str, ...] = ()) -> Finding:
    return Finding(code, f"{entity}: {reason}", coord, ERROR, entity, reason, covers, skeleton, replaces=replaces,
                   or_covers=or_covers)


def without_replaced(warnings: Iterable[Warning_], errors: Iterable[Finding]) -> list[Warning_]:
    """The warnings no error says more about."""
    gone = {id(x) for f in errors for x in f.replaces}
    return [x for x in warnings if id(x) not in gone]


# ---------------------------------------------------------------- the analysis

def find_unsafe(plan: PatchPlan, sync: SyncBuilder, w: PatchWriter) -> list[Finding]:
    """Every error-level finding of a patch.  `sync` has made the sync
    functions (what they skip, which converters exist); `w` spells types in
    the patch's names.  Imports what a skeleton refers to."""
    replaced = _replaced(plan)
    return (_unsynced(plan, sync.skips, w) + _untyped(plan, sync, w) + _stack(plan, w) + replaced
            + _startup(plan, replaced))


def pre_update_hooks(findings: Iterable[Finding]) -> list[str]:
    """The `<what>` of every void(void) user function the pre-update callback calls."""
    out: dict[str, None] = {}
    for f in findings:
        if f.code in ("untyped", "replaced", "startup"):
            out.setdefault(f.covers[0], None)
    return list(out)


def coverage_condition(covers: Iterable[str], or_covers: Iterable[str] = ()) -> str:
    """A preprocessor condition true when the user code covers a finding."""
    def every(names: Iterable[str]) -> str:
        return " && ".join(f"(defined(POLUS_HAVE_USER_{c}) && !defined(POLUS_TODO_{c}))" for c in names)

    return " || ".join(f"({every(s)})" for s in (covers, or_covers) if s)


def user_todos(path: Optional[Path]) -> set[str]:
    """The `<what>` of every POLUS_TODO_<what> a user code file still defines."""
    if path is None:
        return set()
    from .usercode import strip_c

    return set(re.findall(r"^\s*#\s*define\s+POLUS_TODO_(\w+)", strip_c(Path(path).read_text()), re.M))


def mark_covered(findings: Iterable[Finding], user_code: Optional[Path]) -> list[Finding]:
    """The findings, each `covered` if the user code covers it (as far as `diff` can tell)."""
    from .usercode import user_functions

    have = set(user_functions(user_code)) - user_todos(user_code)
    return [replace(f, covered=set(f.covers) <= have or bool(f.or_covers) and set(f.or_covers) <= have)
            for f in findings]


def skeleton_note(findings: list[Finding], path: Path) -> str:
    names = ", ".join(f"user_polus_{c}" for f in findings for c in f.covers)
    return (f"{path}: the skeleton of {names}: fill it in, then give it to diff and build with --user-code "
            "(build and apply refuse this patch until then, unless --force)")


def skeleton_path(patch: Path) -> Path:
    """patch.polus.c -> patch.skeleton.c, beside it."""
    name = Path(patch).name
    for ext in (".polus.c", ".c"):
        if name.endswith(ext):
            name = name[: -len(ext)]
            break
    return Path(patch).with_name(name + ".skeleton.c")


def _comment_head(text: str) -> str:
    """`/* text` wrapped to 100 columns, continued with ` * ` (and a newline)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, 100, initial_indent="/* ", subsequent_indent=" * ")) + "\n"


def write_skeleton(findings: list[Finding], path: Path, patch_name: str) -> None:
    head = (f"/* User code for {patch_name}, written by polusgen diff: what the patch cannot carry by itself.\n"
            " * Fill in every TODO, delete its POLUS_TODO_ line, then give this file to both\n"
            " * `polusgen diff --user-code` and `polusgen build --user-code` (templates/USER_CODE.md).\n"
            " * It compiles as it is, but covers nothing while a POLUS_TODO_ line is left:\n"
            " * build and apply refuse the patch until then (or with --force). */\n")
    Path(path).write_text(head + "".join("\n" + f.skeleton for f in findings))


def shown_name(plan: PatchPlan, kind: str, key: str) -> str:
    """A global's or type's name as messages show it: `tab`, or `count@b.c` when
    the name alone is ambiguous."""
    from polusgen.model import split_key

    if kind == "type":
        return key
    name = split_key(key)[0]
    return name if plan.bases.get((kind, key), name) == name else key


# ---------------------------------------------------------------- unsynced

def _read_by_new_code(plan: PatchPlan, key: str) -> bool:
    return any(key in (fn.reads | fn.writes) for k in plan.emitted_functions
               if (fn := plan.cs.new.functions.get(k)) is not None)


def _skipped(s: Skip, shown: str) -> str:
    """"next: a pointer to ..." ("tab" itself: just why)."""
    part = s.dst.replace("(*d)", shown).replace("dst->", "")
    why = s.why.partition(": ")[2] or s.why
    return why if part == shown else f"{part}: {why}"


def _unsynced(plan: PatchPlan, skips: Iterable[Skip], w: PatchWriter) -> list[Finding]:
    from .rename import pointer_to
    from .spell import completed_type
    from .sync import ident_of

    groups: dict[tuple[str, str], list[Skip]] = {}
    for s in skips:
        if s.lossy and s.dir == "o2n" and (s.owner[0] == "type" or _read_by_new_code(plan, s.owner[1])):
            groups.setdefault(s.owner, []).append(s)
    out = []
    for (kind, key), group in groups.items():
        shown = shown_name(plan, kind, key)
        parts = ", ".join(dict.fromkeys(s.dst.replace("(*d)", shown).replace("dst->", "") for s in group))
        whats = "; ".join(dict.fromkeys(_skipped(s, shown) for s in group))
        if kind == "global":
            ch = plan.cs.globals[key]
            base, sym = plan.bases[("global", key)], plan.symbols[("global", key)]
            covers = (f"o2n_{base}", f"n2o_{base}")
            reason = (f"{whats}: not synchronized, so new code finds {sym} at its initial value instead of the "
                      "running program's data")
            new_t, old_t = pointer_to(completed_type(ch.new.node)), pointer_to(completed_type(ch.old.node))
            funcs = []
            for d, c, (dw, dt), (sw, st) in (("o2n", covers[0], ("new", new_t), ("old", old_t)),
                                             ("n2o", covers[1], ("old", old_t), ("new", new_t))):
                dname, sname = (sym, shown) if d == "o2n" else (shown, sym)
                funcs.append(
                    f"void user_polus_{c}(void *dst, const void *src)\n{{\n"
                    f"    {w.spell(dw, dt, 'd')} = dst;   /* {dname} */\n"
                    f"    {w.spell(sw, st, 's')} = (void *)src;   /* {sname} */\n"
                    f"    polus_{c}(dst, src);   /* every part polusgen can copy */\n"
                    f"    /* TODO: {parts} */\n"
                    "    (void)d; (void)s;\n}\n")
            coord = ch.new.coord
        else:
            ident = ident_of(key)
            covers = (f"o2n_{ident}", f"n2o_{ident}")
            new_spell, old_spell = w.type_spelling(key, "new"), w.type_spelling(key, "old")
            reason = (f"{whats}: not synchronized, so objects of {key} that new code reads lack the running "
                      "program's data there")
            funcs = [f"void user_polus_{c}({dt} *dst, const {st} *src)\n{{\n"
                     f"    polus_{c}(dst, src);   /* every member polusgen can copy */\n"
                     f"    /* TODO: {parts} */\n}}\n"
                     for c, dt, st in ((covers[0], new_spell, old_spell), (covers[1], old_spell, new_spell))]
            coord = w.type_coord(key)
        text = (_comment_head(f"{shown}{f' ({coord})' if coord else ''}: {reason}.") +
                " * These replace polusgen's sync functions: old -> new runs when the update is applied and on\n"
                " * every write to the old copy while both versions run, new -> old on every write to the new\n"
                " * copy and at a rollback.  They must only copy (they run inside the write's fault handler).\n"
                f" * TODO: carry {parts} both ways, then delete the POLUS_TODO_ lines. */\n")
        text += "".join(f"#define POLUS_TODO_{c} 1\n{f}" for c, f in zip(covers, funcs))
        out.append(finding("unsynced", shown, reason, covers, text, coord,
                           tuple(s.warning for s in group if s.warning is not None)))
    return out


# ---------------------------------------------------------------- untyped

def _is_void_ptr(tnode) -> bool:
    while isinstance(tnode, c_ast.Typename):
        tnode = tnode.type
    if not isinstance(tnode, c_ast.PtrDecl):
        return False
    inner = tnode.type
    return (isinstance(inner, c_ast.TypeDecl) and isinstance(inner.type, c_ast.IdentifierType)
            and inner.type.names == ["void"])


def _struct_pointee(tnode, prog: Program, structs: set[str]) -> Optional[str]:
    """The changed struct `tnode` points to, if it is a pointer to one."""
    from .ctypes import resolve

    r = resolve(tnode, prog)
    if r.kind != "ptr":
        return None
    pr = resolve(r.node.type, prog)
    key = pr.key or pr.owner
    return key if pr.kind in ("struct", "union") and key in structs else None


def _scope(fn, prog: Program) -> dict[str, c_ast.Node]:
    """name -> declared type of every parameter and local of a function (and the globals)."""
    names = {g.name: g.node.type for g in prog.globals.values()}

    def walk(n) -> None:
        if isinstance(n, c_ast.Decl) and n.name and not isinstance(n.type, c_ast.FuncDecl):
            names[n.name] = n.type
        for _, c in n.children():
            walk(c)

    args = getattr(fn.node.decl.type, "args", None)
    if args is not None:
        walk(args)
    if fn.node.body is not None:
        walk(fn.node.body)
    return names


def _is_constant(expr) -> bool:
    """0, NULL, (void *)0: no object at all."""
    while isinstance(expr, c_ast.Cast):
        expr = expr.expr
    return isinstance(expr, c_ast.Constant) or (isinstance(expr, c_ast.ID) and expr.name == "NULL")


def _expr_type(expr, scope: dict, prog: Program):
    """The declared type of a simple expression (a name, an element, a member, a
    call of a program function, a cast), or None when it is not that simple."""
    from .ctypes import members, resolve

    if isinstance(expr, c_ast.ID):
        return scope.get(expr.name)
    if isinstance(expr, c_ast.Cast):
        return expr.to_type.type
    if isinstance(expr, c_ast.FuncCall) and isinstance(expr.name, c_ast.ID):
        fns = [f for f in prog.functions.values() if f.name == expr.name.name]
        return fns[0].node.decl.type.type if fns else None
    if isinstance(expr, c_ast.ArrayRef):
        t = _expr_type(expr.name, scope, prog)
        r = resolve(t, prog) if t is not None else None
        return r.node.type if r is not None and r.kind in ("array", "ptr") else None
    if isinstance(expr, c_ast.StructRef):
        t = _expr_type(expr.name, scope, prog)
        r = resolve(t, prog) if t is not None else None
        if r is not None and expr.type == "->":
            r = resolve(r.node.type, prog) if r.kind == "ptr" else None
        if r is None or r.kind not in ("struct", "union"):
            return None
        return next((m.type for m in members(r.node) if m.name == expr.field.name), None)
    return None


def _untyped_source(expr, scope: dict, prog: Program) -> Optional[str]:
    """How `expr` is an untyped pointer ("void *arg", "the void * get_ctx() returns"), or None."""
    from .rename import cprint

    t = _expr_type(expr, scope, prog)
    if t is None or not _is_void_ptr(t) or _is_constant(expr):
        return None
    if isinstance(expr, c_ast.FuncCall):
        return None if _FRESH.search(expr.name.name) else f"the void * {expr.name.name}() returns"
    return f"void *{cprint(expr)}" if isinstance(expr, c_ast.ID) else f"the void * {cprint(expr)}"


def _untyped_uses(fn, prog: Program, structs: set[str]) -> list[tuple[str, str, int]]:
    """(struct, how, line) of every place where `fn` turns an untyped pointer into a
    pointer to a changed struct: a cast that is not of fresh memory, or an
    initialization or assignment from a `void *`."""
    from .rename import cprint
    from .spell import _is_char_pointer

    scope = _scope(fn, prog)
    out: list[tuple[str, str, int]] = []

    def line(n) -> int:
        return n.coord.line if n.coord is not None else fn.coord.line

    def walk(n) -> None:
        if isinstance(n, c_ast.Cast):
            key = _struct_pointee(n.to_type.type, prog, structs)
            e = n.expr
            fresh = _is_constant(e) or (
                isinstance(e, c_ast.FuncCall) and isinstance(e.name, c_ast.ID) and _FRESH.search(e.name.name))
            t = _expr_type(e, scope, prog)
            typed = t is not None and not _is_void_ptr(t) and not _is_char_pointer(t, prog)
            if key and not fresh and not typed:
                out.append((key, f"a cast of {cprint(e)}", line(n)))
        elif isinstance(n, c_ast.Decl) and n.init is not None and n.name:
            key = _struct_pointee(n.type, prog, structs)
            how = _untyped_source(n.init, scope, prog) if key else None
            if how:
                out.append((key, f"{n.name} = {how}", line(n)))
        elif isinstance(n, c_ast.Assignment) and n.op == "=" and isinstance(n.lvalue, c_ast.ID):
            lt = scope.get(n.lvalue.name)
            key = _struct_pointee(lt, prog, structs) if lt is not None else None
            how = _untyped_source(n.rvalue, scope, prog) if key else None
            if how:
                out.append((key, f"{n.lvalue.name} = {how}", line(n)))
        for _, c in n.children():
            walk(c)

    if fn.node.body is not None:
        walk(fn.node.body)
    return out


def _untyped(plan: PatchPlan, sync: SyncBuilder, w: PatchWriter) -> list[Finding]:
    from .sync import ident_of

    new = plan.cs.new
    structs = plan.changed_records
    places: dict[str, list[str]] = {}
    for fk in plan.emitted_functions:
        fn = new.functions.get(fk)
        if fn is None:
            continue
        for key, how, line in _untyped_uses(fn, new, structs):
            places.setdefault(key, []).append(f"{fn.name} ({fn.coord.file}:{line}): {how}")
    out = []
    for key, where in sorted(places.items()):
        ident = ident_of(key)
        hook = f"heap_{ident}"
        old_t, new_t = w.type_spelling(key, "old"), w.type_spelling(key, "new")
        shown = "; ".join(where[:3]) + (f"; and {len(where) - 3} more" if len(where) > 3 else "")
        reason = (f"new code reaches objects of it through untyped pointers ({shown}): the ones the running "
                  f"program made are {old_t} objects that polusgen cannot find, and new code would use them as "
                  f"{new_t}")
        conv = f"polus_o2n_{ident}"
        helper = (f" * {conv}(new, old) copies one object member by member.\n"
                  if any(c.name == conv for c in sync.converters.values()) else "")
        text = (f"/* {key}{f' ({w.type_coord(key)})' if w.type_coord(key) else ''}: new code reaches objects of "
                "it through untyped pointers:\n"
                + "".join(f" *   {x}\n" for x in where)
                + f" * The running program's objects are {old_t} (the old layout); new code uses them as {new_t}.\n"
                " * Called by the pre-update callback, every thread stopped, before anything is redirected.\n"
                + helper +
                f" * TODO: give every such object a {new_t} and point the program's untyped pointers to it\n"
                " * (or make user_polus_pre_update refuse the update while any exists), then delete the\n"
                " * POLUS_TODO_ line. */\n"
                f"#define POLUS_TODO_{hook} 1\n"
                f"void user_polus_{hook}(void)\n{{\n    /* TODO */\n}}\n")
        out.append(finding("untyped", key, reason, (hook,), text, w.type_coord(key)))
    return out


# ---------------------------------------------------------------- stack

def _stack_objects(fn, prog: Program, structs: set[str]) -> dict[str, str]:
    """Locals of `fn` (not static) that are objects of a type in `structs`, or
    arrays of them: name -> type key."""
    from .ctypes import resolve

    out = {}
    for n in _walk(fn.node.body):
        if isinstance(n, c_ast.Decl) and n.name and "static" not in n.storage and "extern" not in n.storage:
            t = n.type.type if isinstance(n.type, c_ast.ArrayDecl) else n.type
            r = resolve(t, prog)
            key = r.key or r.owner
            if r.kind in ("struct", "union") and key in structs:
                out[n.name] = key
    return out


def _stack(plan: PatchPlan, w: PatchWriter) -> list[Finding]:
    from .sync import ident_of

    cs = plan.cs
    out = []
    for st in plan.stubs:
        old_fn = cs.old.functions[st.key]
        places = []
        for caller in st.callers:
            fn = cs.old.functions[caller]
            objects = _stack_objects(fn, cs.old, set(plan.changed_types))
            for call in _walk(fn.node.body):
                if not (isinstance(call, c_ast.FuncCall) and isinstance(call.name, c_ast.ID)
                        and call.name.name == old_fn.name and call.args is not None):
                    continue
                for a in call.args.exprs:
                    if isinstance(a, c_ast.UnaryOp) and a.op == "&":
                        a = a.expr
                    if isinstance(a, c_ast.ID) and a.name in objects:
                        places.append((fn.name, a.name, objects[a.name], call.coord.line))
        if not places:
            continue
        hook = f"stub_{ident_of(st.key)}"
        where = "; ".join(dict.fromkeys(f"{f} ({t} {v}, line {line})" for f, v, t, line in places))
        types = ", ".join(dict.fromkeys(w.type_spelling(t, "new") for _, _, t, _ in places))
        reason = (f"new code gets objects on the stack of never-left functions ({where}) through the stub of "
                  f"{old_fn.name}, which passes their counterparts: an object on a stack has none, and new code "
                  "would get NULL")
        proto = w.spell("old", old_fn.node.decl.type, f"user_polus_{hook}")
        text = (_comment_head(f"{old_fn.name} ({old_fn.coord}): {reason}.") +
                f" * Replaces the body of the stub that the old {old_fn.name} is redirected to (same prototype).\n"
                f" * TODO: give new code's {st.target} an object of {types} made from the old one (and copy it\n"
                " * back after the call), then delete the POLUS_TODO_ line. */\n"
                f"#define POLUS_TODO_{hook} 1\n"
                f"{proto}\n{{\n    /* TODO */\n{_skeleton_return(old_fn.node.decl.type)}}}\n")
        out.append(finding("stack", old_fn.name, reason, (hook,), text, old_fn.coord))
    return out


def _skeleton_return(fd) -> str:
    """The statement a skeleton function needs to compile: none for void."""
    t = fd.type
    void = (isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.IdentifierType) and t.type.names == ["void"])
    return "" if void else "    return 0;\n"


# ---------------------------------------------------------------- replaced

def _loop_calls(fn) -> set[str]:
    """Names of the functions `fn` calls inside a loop."""
    out: set[str] = set()

    def walk(n, inside: bool) -> None:
        inside = inside or isinstance(n, _LOOPS)
        if inside and isinstance(n, c_ast.FuncCall) and isinstance(n.name, c_ast.ID):
            out.add(n.name.name)
        for _, c in n.children():
            walk(c, inside)

    if getattr(fn.node, "body", None) is not None:
        walk(fn.node.body, False)
    return out


def _runs_after_update(plan: PatchPlan) -> set[str]:
    """Keys of the new program's functions that can run in the updated process:
    those the running never-left functions (main, event loops) call inside their
    loops, those whose address is taken, and what they call.  A never-left
    function itself never runs in its new version, and what it calls only
    before its loop has already run."""
    from polusgen.graph import NEW, OLD, activation_lives_on

    cs = plan.cs
    new = cs.new
    by_name: dict[str, list[str]] = {}
    for k, f in new.functions.items():
        by_name.setdefault(f.name, []).append(k)
    live = {id(p): {k for k, why in cs.never_left_why[v].items() if activation_lives_on(why)}
            for p, v in ((cs.old, OLD), (new, NEW))}
    called = {c for f in new.functions.values() for c in f.calls}
    seeds: set[str] = set()
    for prog in (cs.old, new):
        for k in live[id(prog)]:
            for name in _loop_calls(prog.functions[k]):
                seeds.update(by_name.get(name, ()))
        for f in prog.functions.values():
            for a in f.addr_taken:
                seeds.update(by_name.get(prog.functions[a].name if a in prog.functions else a, ()))
    # no caller at all: called from outside the program (a signal, a library) as far as we know
    stays = live[id(new)]
    seeds.update(k for k in new.functions if k not in called and k not in stays)
    runs: set[str] = set()
    todo = [k for k in seeds if k not in stays]
    while todo:
        k = todo.pop()
        if k in runs:
            continue
        runs.add(k)
        todo.extend(c for c in new.functions[k].calls if c in new.functions and c not in stays)
    return runs


def _names(keys: Iterable[str]) -> str:
    from polusgen.model import split_key

    return ", ".join(dict.fromkeys(split_key(k)[0] for k in keys))


def _holds_type(new_type: str, old_type: str) -> bool:
    """Whether a global of type `new_type` can hold what one of `old_type` held:
    the same type, or an array of it (`int` -> `int [4]`, `int []`)."""
    return new_type == old_type or re.fullmatch(re.escape(old_type) + r" \[\d*\]", new_type) is not None


def _replaced(plan: PatchPlan) -> list[Finding]:
    from polusgen.graph import NEW, global_writers

    cs = plan.cs
    deleted = [c for c in cs.globals.values() if c.status is Status.DELETED and not c.old.const]
    added = [c for c in cs.globals.values() if c.status is Status.ADDED and not c.new.const]
    if not deleted or not added:
        return []
    runs = _runs_after_update(plan)
    out = []
    for g in added:
        key = g.key
        writers = sorted(global_writers(cs.graph, NEW, key))
        readers = sorted(k for k in runs if key in cs.new.functions[k].reads | cs.new.functions[k].writes)
        if not writers or not readers or set(writers) & runs:
            continue    # never filled, never read after the update, or filled again while it runs
        # every deleted global a function used where it now uses g; one whose type is g's (or g's
        # element type: int -> int[4]) first
        candidates = []
        for d in deleted:
            users = [k for k, f in cs.old.functions.items()
                     if d.key in f.reads | f.writes and k in cs.new.functions
                     and key in cs.new.functions[k].reads | cs.new.functions[k].writes]
            if users:
                candidates.append((not _holds_type(g.new.type_text, d.old.type_text), d.key, users))
        if not candidates:
            continue
        candidates.sort()
        olds = [d for _, d, _ in candidates]
        base, sym = plan.bases[("global", key)], plan.symbols[("global", key)]
        name = shown_name(plan, "global", key)
        old_names = [shown_name(plan, "global", d) for d in olds]
        old_bases = [plan.bases[("global", d)] for d in olds]
        for d in olds:
            plan.import_for("global", d)      # the skeleton reads each as POLUS_OLD_<base>
        hook = f"init_{base}"
        used = ", ".join(f"{_names(sorted(us))} used {n}" for (_, _, us), n in zip(candidates, old_names))
        now = "now uses" if len(olds) == 1 else "they now use"
        reason = (f"replaces {' or '.join(old_names)}, which the new version deletes ({used} and {now} {name}); "
                  f"{name} is filled only at start-up ({_names(writers)}), which "
                  f"never runs again in the running process, and new code reads it ({_names(readers)}): "
                  "it would read its initial value")
        text = (_comment_head(f"{name} ({g.new.coord}): {reason}.") +
                " * Called by the pre-update callback, every thread stopped, before anything is redirected.\n" +
                "".join(f" * The running program's {n} is POLUS_OLD_{b}.\n" for n, b in zip(old_names, old_bases)) +
                f" * New code's {name} is {sym}.\n"
                f" * TODO: fill {sym} from the running program's state, then delete the POLUS_TODO_ line. */\n"
                f"#define POLUS_TODO_{hook} 1\n"
                f"void user_polus_{hook}(void)\n{{\n"
                f"    /* TODO: {sym} = ... {' ... '.join(f'POLUS_OLD_{b}' for b in old_bases)} ... */\n}}\n")
        out.append(finding("replaced", name, reason, (hook,), text, g.new.coord))
    return out


# ---------------------------------------------------------------- startup

def _lvalue_path(n) -> Optional[tuple[str, Optional[str]]]:
    """(global name, member) an assignment's target starts from: `g`, `g[i]`
    -> (g, None); `g.m`, `g.m[i].x` -> (g, m)."""
    member = None
    while True:
        if isinstance(n, c_ast.ArrayRef):
            n = n.name
        elif isinstance(n, c_ast.StructRef) and n.type == ".":
            member, n = n.field.name, n.name
        elif isinstance(n, c_ast.ID):
            return n.name, member
        else:
            return None


def _unconditional_fills(fn) -> set[tuple[str, Optional[str]]]:
    """What `fn` always assigns a value other than 0 to: the (global, member)
    targets of its plain `x = value;` statements outside any condition or loop."""
    out: set = set()

    def walk(n) -> None:
        if isinstance(n, c_ast.Compound):
            for item in n.block_items or ():
                walk(item)
        elif isinstance(n, c_ast.Assignment) and not _is_constant_zero(n.rvalue):
            if (t := _lvalue_path(n.lvalue)) is not None:
                out.add(t)

    if getattr(fn.node, "body", None) is not None:
        walk(fn.node.body)
    return out


def _assigned(fn) -> set[tuple[str, Optional[str]]]:
    """Every (global, member) target `fn` assigns, increments or takes the address of, anywhere."""
    out = set()
    for n in _walk(fn.node):
        target = (n.lvalue if isinstance(n, c_ast.Assignment) else
                  n.expr if isinstance(n, c_ast.UnaryOp) and n.op in ("++", "--", "p++", "p--", "&") else None)
        if target is not None and (t := _lvalue_path(target)) is not None:
            out.add(t)
    return out


def _is_constant_zero(expr) -> bool:
    while isinstance(expr, c_ast.Cast):
        expr = expr.expr
    return (isinstance(expr, c_ast.Constant) and expr.type in ("int", "char")
            and expr.value.rstrip("uUlL") in ("0", "'\\0'")) or (isinstance(expr, c_ast.ID) and expr.name == "NULL")


def _member_reads(fn, name: str, members: set[str]) -> set[str]:
    """Members of `members` that `fn` reads as `name.member`."""
    return {n.field.name for n in _walk(fn.node)
            if isinstance(n, c_ast.StructRef) and n.type == "." and isinstance(n.name, c_ast.ID)
            and n.name.name == name and n.field.name in members}


def _walk(node):
    yield node
    for _, c in node.children():
        yield from _walk(c)


def _added_members(plan: PatchPlan, g) -> tuple[Optional[str], set[str]]:
    """The struct a changed global is, and the members it has in the new version only."""
    from .ctypes import resolve

    cs = plan.cs
    ro, rn = resolve(g.old.node.type, cs.old), resolve(g.new.node.type, cs.new)
    if ro.kind != "struct" or rn.kind != "struct" or ro.key != rn.key:
        return None, set()
    return rn.key, {d.name for d in rn.node.decls or () if d.name} - {d.name for d in ro.node.decls or () if d.name}


def _startup_only(cs, writers: list[str], runs: set[str], target) -> bool:
    """Some writer always fills the target (`target(path)`), and none runs after the update."""
    if not writers or set(writers) & runs:
        return False    # never filled, or filled again while it runs
    return any(target(t) for k in writers for t in _unconditional_fills(cs.new.functions[k]))


def _startup(plan: PatchPlan, replaced: list[Finding]) -> list[Finding]:
    cs = plan.cs
    taken = {f.covers[0] for f in replaced}
    candidates = [(g, None, None) for g in cs.globals.values() if g.status is Status.ADDED and not g.new.const]
    candidates += [(g, *m) for g in cs.globals.values() if g.status is Status.CHANGED and not g.new.const
                   and (m := _added_members(plan, g))[1]]
    if not candidates:
        return []
    runs = _runs_after_update(plan)
    out = []
    for g, struct, members in candidates:
        key, name = g.key, g.new.name
        base, sym = plan.bases[("global", key)], plan.symbols[("global", key)]
        hook = f"init_{base}"
        writers = sorted(k for k, f in cs.new.functions.items() if key in f.writes)
        if hook in taken:
            continue    # said by `replaced`
        if members is None:
            lost = {None} if _startup_only(cs, writers, runs, lambda t: t[0] == name) else set()
            readers = sorted(k for k in runs if key in cs.new.functions[k].reads)
        else:
            # a member's own writers: others of the struct may well be set while it runs
            member_writers = {m: [k for k in writers if (name, m) in _assigned(cs.new.functions[k])] for m in members}
            lost = {m for m, ws in member_writers.items() if _startup_only(cs, ws, runs, lambda t, m=m: t == (name, m))}
            writers = sorted({k for m in lost for k in member_writers[m]})
            readers = sorted(k for k in runs if _member_reads(cs.new.functions[k], name, lost))
        if not lost or not readers:
            continue
        shown = shown_name(plan, "global", key)
        what = ("a new global" if members is None else
                f"{'members' if len(lost) > 1 else 'member'} {', '.join(sorted(lost))}, new in {struct},")
        reason = (f"{what} filled only at start-up ({_names(writers)}), which never runs again in the "
                  f"running process; new code reads it ({_names(readers)}): it would read its initial value")
        # a new member: the user's converter of the global, which makes the new copy, may fill it instead
        converter = () if members is None else (f"o2n_{base}",)
        text = (_comment_head(f"{shown} ({g.new.coord}): {reason}.") +
                " * Called by the pre-update callback, every thread stopped, before anything is redirected.\n"
                f" * New code's {shown} is {sym}.\n" +
                (f" * (A user_polus_o2n_{base} that fills it covers this too.)\n" if converter else "") +
                f" * TODO: fill it as start-up would have, then delete the POLUS_TODO_ line. */\n"
                f"#define POLUS_TODO_{hook} 1\n"
                f"void user_polus_{hook}(void)\n{{\n    /* TODO: {sym}... = ... */\n}}\n")
        out.append(finding("startup", shown, reason, (hook,), text, g.new.coord, or_covers=converter))
    return out
