"""The call/use graph over both versions, and what the update needs from it.

Nodes are `(version, kind, key)` with version "old" or "new" and kind
"function" or "global"; edges carry `uses`, a set of "call", "addr",
"read", "write".  From the graph:

* f2d / d2f     : old functions <-> changed globals they read or write (the
                  runtime tracks a changed global until no thread is inside
                  any old function of d2f[global]);
* never_left    : main, functions that loop forever or until a global flag
                  is set (`if (config.quit) return;`) or an event wait fails,
                  functions that run a library event loop (event_base_loop),
                  functions whose every path ends in -- or that first call --
                  a function whose activation lives on, and functions that
                  only ever end the process (every path ends in exit/abort/exec
                  or another such one); thread start routines (passed to
                  pthread_create) are named as such;
* warnings      : version consistency (paper §3.2.2, Fig. 4: a call moved
                  between a function and its callee runs twice or not at all
                  if the update lands in between), changed functions that are
                  never left (their new version would never run), and changed
                  functions with static locals (the frontend's Program has no
                  entity for them: the new version would start from fresh copies).
"""
from __future__ import annotations

from typing import Optional

import networkx as nx
from pycparser import c_ast

from polusgen.frontend.tu import walk
from polusgen.model import ChangeSet, Coord, FunctionEntity, Program, Status, Warning_

OLD, NEW = "old", "new"

# calls after which the process (or this thread of control) never comes back
PROCESS_ENDERS = frozenset({
    "exit", "_exit", "_Exit", "abort", "quick_exit",
    "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "fexecve",
})


# ---------------------------------------------------------------- the graph

def add_program(g: nx.DiGraph, prog: Program, version: str) -> None:
    for key, fn in prog.functions.items():
        g.add_node((version, "function", key), entity=fn)
    for key, gl in prog.globals.items():
        if not gl.extern_only:
            g.add_node((version, "global", key), entity=gl)
    for key, fn in prog.functions.items():
        src = (version, "function", key)
        for uses, targets, kind in (("call", fn.calls, "function"), ("addr", fn.addr_taken, "function"),
                                    ("read", fn.reads, "global"), ("write", fn.writes, "global")):
            for t in targets:
                dst = (version, kind, t)
                if dst not in g:
                    continue  # a library function or an extern-only global
                if g.has_edge(src, dst):
                    g.edges[src, dst]["uses"].add(uses)
                else:
                    g.add_edge(src, dst, uses={uses})


def build_graph(old: Program, new: Program) -> nx.DiGraph:
    g = nx.DiGraph()
    add_program(g, old, OLD)
    add_program(g, new, NEW)
    return g


def callees(g: nx.DiGraph, version: str, key: str) -> set[str]:
    node = (version, "function", key)
    if node not in g:
        return set()
    return {d[2] for d in g.successors(node) if d[1] == "function" and "call" in g.edges[node, d]["uses"]}


def callers(g: nx.DiGraph, version: str, key: str) -> set[str]:
    node = (version, "function", key)
    if node not in g:
        return set()
    return {s[2] for s in g.predecessors(node) if "call" in g.edges[s, node]["uses"]}


def global_users(g: nx.DiGraph, version: str, key: str) -> set[str]:
    node = (version, "global", key)
    return {s[2] for s in g.predecessors(node)} if node in g else set()


# ---------------------------------------------------------------- never left

def _last_statement(stmt) -> Optional[c_ast.Node]:
    while isinstance(stmt, c_ast.Compound):
        items = stmt.block_items or []
        if not items:
            return None
        stmt = items[-1]
    return stmt


def _call_name(node) -> Optional[str]:
    if isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID):
        return node.name.name
    return None


def _ending_calls(stmt) -> Optional[set[str]]:
    """The names of the calls every path through `stmt` ends in, or None if
    some path ends otherwise (falls through, returns, ends in an expression)."""
    stmt = _last_statement(stmt)
    if stmt is None:
        return None
    if isinstance(stmt, c_ast.If):
        if stmt.iffalse is None:
            return None
        a, b = _ending_calls(stmt.iftrue), _ending_calls(stmt.iffalse)
        return a | b if a is not None and b is not None else None
    if isinstance(stmt, c_ast.Cast):
        stmt = stmt.expr
    name = _call_name(stmt)
    return {name} if name else None


def _has_return(node) -> bool:
    if isinstance(node, c_ast.Return):
        return True
    return any(_has_return(c) for _, c in node.children())


def _first_calls(body) -> list[str]:
    """Calls made on every path through `body` before it can return: those of
    its top-level statements up to the first one that may return or jump
    (`return f();` included)."""
    out: list[str] = []
    for item in body.block_items or () if isinstance(body, c_ast.Compound) else ():
        expr = item.expr if isinstance(item, c_ast.Return) else \
            item.rvalue if isinstance(item, c_ast.Assignment) else \
            item.init if isinstance(item, c_ast.Decl) else item
        if isinstance(expr, c_ast.Cast):
            expr = expr.expr
        name = _call_name(expr)
        if name:
            out.append(name)
        if any(isinstance(n, (c_ast.Return, c_ast.Goto)) for n in walk(item)):
            break
    return out


def thread_start_routines(prog: Program) -> dict[str, str]:
    """key -> the function whose pthread_create starts a thread in it."""
    by_name: dict[str, list[str]] = {}
    for key, fn in prog.functions.items():
        by_name.setdefault(fn.name, []).append(key)
    out: dict[str, str] = {}
    for key, fn in prog.functions.items():
        body = getattr(fn.node, "body", None)
        for n in walk(body) if body is not None else ():
            if _call_name(n) != "pthread_create" or n.args is None or len(n.args.exprs) < 3:
                continue
            start = n.args.exprs[2]
            while isinstance(start, (c_ast.Cast, c_ast.UnaryOp)):
                start = start.expr
            if isinstance(start, c_ast.ID):
                keys = by_name.get(start.name, [])
                for k in [k for k in keys if k in fn.addr_taken] or keys:
                    out.setdefault(k, fn.name)
    return out


ENDS_PROCESS = "only ever ends the process"

# library calls that run an event loop: they return only when the program
# breaks the loop off (event_base_loopbreak) or has nothing left to wait for
LIBRARY_LOOPS = frozenset({"event_base_loop", "event_base_dispatch", "event_dispatch", "event_loop",
                           "ev_run", "ev_loop", "uv_run", "g_main_loop_run", "g_main_run"})


def never_left_functions(prog: Program) -> dict[str, str]:
    """key -> why it is never left: "main", "loops forever", "loops until
    FLAG" (the loop's only ways out), "runs the library loop L", "never
    returns: it ends in f" (every path ends in a call that never returns),
    "never returns while f runs" (it first calls such an f), or ENDS_PROCESS
    (every path ends in exit/abort/exec or in such a function).  A thread
    start routine's reason says so."""
    out: dict[str, str] = {}
    library_loops = LIBRARY_LOOPS - {fn.name for fn in prog.functions.values()}   # not the program's own
    for key, fn in prog.functions.items():
        body = getattr(fn.node, "body", None)
        loops = [c for c in _first_calls(body) if c in library_loops] if body is not None else []
        if fn.name == "main" and not fn.static:
            out[key] = "main"
        elif fn.loops_forever:
            out[key] = "loops forever"
        elif fn.loop_exit:
            out[key] = f"loops until {fn.loop_exit}"
        elif loops:
            out[key] = f"runs the library loop {loops[0]}"
    exits = set(PROCESS_ENDERS)
    stays = {prog.functions[k].name for k in out}
    changed = True
    while changed:
        changed = False
        for key, fn in prog.functions.items():
            body = getattr(fn.node, "body", None)
            if key in out or body is None:
                continue
            ends = _ending_calls(body)
            first = [c for c in _first_calls(body) if c in stays]
            if ends and not _has_return(body) and ends <= exits:
                out[key] = ENDS_PROCESS
                exits.add(fn.name)
            elif ends and not _has_return(body) and ends <= exits | stays:
                out[key] = f"never returns: it ends in {', '.join(sorted(ends - exits))}"
                stays.add(fn.name)
            elif first:
                out[key] = f"never returns while {first[0]} runs"
                stays.add(fn.name)
            else:
                continue
            changed = True
    for key, starter in thread_start_routines(prog).items():
        if key in out and activation_lives_on(out[key]):
            out[key] = f"thread start routine (started by {starter}), {out[key]}"
    return out


def activation_lives_on(why: str) -> bool:
    """A never-left function whose running activation stays (main, loops):
    not one that just ends the process, whose next call runs new code."""
    return why != ENDS_PROCESS


# ---------------------------------------------------------------- warnings

def version_consistency_warnings(cs: ChangeSet, g: nx.DiGraph) -> list[Warning_]:
    """Fig. 4: a call to h moved between f and its callee g.

    moved down: old f calls g and h, new f calls g only, new g calls h.  An
    old activation of f that has not yet called g calls the new g (which calls
    h) and then h itself: h runs twice.
    moved up: old g calls h, new g does not, new f calls h after g.  An old f
    calls the new g, then never calls h: h does not run at all.
    """
    out: list[Warning_] = []
    for key, ch in sorted(cs.functions.items()):
        if ch.old is None or ch.new is None:
            continue
        old_f, new_f = callees(g, OLD, key), callees(g, NEW, key)
        kept = (old_f & new_f) - {key}
        directions = ((old_f - new_f, NEW, OLD, "from {f} into its callee {g}", "runs twice"),
                      (new_f - old_f, OLD, NEW, "from {g} up into its caller {f}", "does not run at all"))
        for moved, has, lacks, where, effect in directions:
            for h in sorted(moved):
                for callee in sorted(kept):
                    if h in callees(g, has, callee) and h not in callees(g, lacks, callee):
                        out.append(Warning_(
                            "version-consistency",
                            f"the call to {h} moved {where.format(f=key, g=callee)}: if the update happens while "
                            f"an old {key} has not yet called {callee}, {h} {effect}", _coord(ch.new)))
    return out


def _coord(fn: FunctionEntity) -> Optional[Coord]:
    return fn.coord if fn is not None else None


def never_left_warnings(cs: ChangeSet, why: dict[str, str]) -> list[Warning_]:
    out = []
    for key in sorted(why):
        if not activation_lives_on(why[key]):
            continue  # no activation lives on in it: the next call runs the new version
        ch = cs.functions.get(key)
        if ch is None or ch.status not in (Status.CHANGED, Status.ADDED) or ch.old is None:
            continue
        out.append(Warning_("never-left",
                            f"{key} is changed but never left ({why[key]}): the running activation stays in the old "
                            f"code, so its new version never runs there ({'; '.join(ch.reasons)})",
                            _coord(ch.old)))
    return out


def local_statics(fn: FunctionEntity) -> list[str]:
    """Names of the `static` variables declared inside a function's body."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, c_ast.Decl) and "static" in (node.storage or []) and node.name:
            found.append(node.name)
        for _, child in node.children():
            walk(child)

    body = getattr(fn.node, "body", None) if fn is not None else None
    if body is not None:
        walk(body)
    return found


def local_static_warnings(cs: ChangeSet) -> list[Warning_]:
    """A replaced function whose old version keeps state in static locals:
    the new version starts from fresh copies unless the patch maps them."""
    out = []
    for key, ch in sorted(cs.functions.items()):
        if ch.old is None or ch.new is None or ch.status not in (Status.CHANGED, Status.ADDED):
            continue
        names = local_statics(ch.old)
        if names:
            out.append(Warning_("local-static", f"{key} keeps state in static locals ({', '.join(names)}): "
                                                 "its new version starts from fresh copies of them",
                                _coord(ch.old)))
    return out


# ---------------------------------------------------------------- annotate

def find_never_left(cs: ChangeSet) -> None:
    """Fill cs.never_left_why for both versions and cs.never_left (the old version's keys)."""
    cs.never_left_why = {OLD: never_left_functions(cs.old), NEW: never_left_functions(cs.new)}
    cs.never_left = set(cs.never_left_why[OLD])


def written_globals(g: nx.DiGraph) -> frozenset[str]:
    """The globals some function of either version writes (or takes the address of)."""
    return frozenset(d[2] for _, d, uses in g.edges(data="uses") if d[1] == "global" and "write" in uses)


def global_writers(g: nx.DiGraph, version: str, key: str) -> set[str]:
    node = (version, "global", key)
    return {s[2] for s in g.predecessors(node) if "write" in g.edges[s, node]["uses"]} if node in g else set()


def annotate(cs: ChangeSet, g: Optional[nx.DiGraph] = None) -> nx.DiGraph:
    """Fill cs.f2d, cs.d2f, cs.graph, cs.written_globals and append the
    graph's warnings (find_never_left first: the never-left ones are among them)."""
    g = g if g is not None else build_graph(cs.old, cs.new)
    cs.graph, cs.written_globals = g, written_globals(g)
    cs.f2d, cs.d2f = {}, {}
    for gkey in sorted(cs.changed_globals):
        users = global_users(g, OLD, gkey)
        if users:
            cs.d2f[gkey] = users
        for f in users:
            cs.f2d.setdefault(f, set()).add(gkey)
    why = cs.never_left_why[OLD]
    cs.warnings.extend(version_consistency_warnings(cs, g))
    cs.warnings.extend(never_left_warnings(cs, why))
    cs.warnings.extend(local_static_warnings(cs))
    return g
