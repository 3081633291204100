"""load_program: sources -> one merged Program."""
from __future__ import annotations

import gc
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Sequence

from polusgen.errors import SourceError, SourceErrors, UnsupportedError
from polusgen.model import FunctionEntity, GlobalEntity, Program, TypeEntity, Warning_
from polusgen.progress import NO_PROGRESS, ProgressFn

from . import cache
from .preprocess import FileNames, preprocess
from .realheaders import ask_once
from .sources import SourceArg, Unit, resolve_sources, unit_options
from .segments import parse_tu
from .tu import TUFacts, build_tu

# deep expression trees (long else-if chains) need more than the default
RECURSION_LIMIT = 20000
# below this many TUs to parse, worker processes cost more CPU than they save
# wall time: each parses the headers again (bench/README.md, bench_frontend)
MIN_PARALLEL = 16


class _NoGC:
    """Build big acyclic object graphs (ASTs, unpickled TUs) without the
    cyclic collector rescanning them over and over: it made loading 2-3x slower."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


def _process_unit(root: Path, unit: Unit, key: str | None) -> bytes | tuple:
    """Worker entry: the pickled TUFacts, or ("error", class name, file, line,
    message) (SourceError itself does not survive the trip between processes)."""
    with _NoGC():
        try:
            return _process_unit_gc(root, unit, key)
        except SourceError as e:
            return ("error", type(e).__name__, e.file, e.line, e.message)
        except RecursionError:
            return ("error", "UnsupportedError", unit.name, None,
                    "nesting too deep for polusgen (an expression or else-if chain of thousands of levels)")


def _process_unit_gc(root: Path, unit: Unit, key: str | None) -> bytes:
    """Preprocess, parse and extract one TU; returns the pickled TUFacts."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    names = FileNames(root, unit.system_dirs)
    pp = preprocess(unit.path, unit.include_dirs, root, unit.defines, names, unit.forced_includes,
                    unit.system_dirs, quote_dirs=unit.quote_dirs, undefines=unit.undefines, std=unit.std)
    ast = parse_tu(pp.text, names, str(unit.path))
    facts = build_tu(ast, unit.name, names.is_system, names, pp.system_includes, pp.dropped, pp.prologue)
    payload = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
    if key is not None:
        outside = [h for h in pp.program_headers if not h.startswith(names.root)]
        cache.store(key, payload, outside)
    return payload


def _workers(n_jobs: int) -> int:
    env = os.environ.get("POLUS_JOBS")
    if env:
        return max(1, int(env))
    return max(1, min(n_jobs, os.cpu_count() or 1))


def load_program(source: SourceArg, include_dirs: Sequence[str | os.PathLike] = (),
                 defines: Sequence[str] = (), use_cache: bool = True,
                 system_dirs: Sequence[str | os.PathLike] = (),
                 progress: ProgressFn = NO_PROGRESS) -> Program:
    """Load one version of a program (folder, .c file, list of .c files or
    compile_commands.json) into a merged Program.  system_dirs: -isystem
    folders (other libraries' headers), relative to the root or absolute;
    `progress` counts the files."""
    with _NoGC():
        return _load_program(source, include_dirs, defines, use_cache, system_dirs, progress)


def _load_program(source, include_dirs, defines, use_cache, system_dirs, progress) -> Program:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    src = resolve_sources(source, include_dirs, defines, system_dirs)
    keys: list[str | None] = [None] * len(src.units)
    payloads: list[bytes | None] = [None] * len(src.units)
    if use_cache:
        # what the TUs read from the tree: its headers, and the .c files they #include
        tree = cache.tree_headers_hash(src.root) + "".join(cache.file_hash(str(p)) or "" for p in src.included)
        for i, u in enumerate(src.units):
            # the root is part of the key: cached nodes carry absolute paths
            opts = (str(src.root), unit_options(u))
            keys[i] = cache.unit_key(u.name, u.path.read_bytes(), opts, tree)
            payloads[i] = cache.load(keys[i])
    todo = [i for i, p in enumerate(payloads) if p is None]
    advance = progress(f"parsing {src.shown_root}", len(src.units))
    advance(len(src.units) - len(todo))
    workers = _workers(len(todo))
    if workers > 1 and len(todo) >= MIN_PARALLEL:
        ask_once()
        try:
            with ProcessPoolExecutor(max_workers=workers) as ex:
                # longest first: the workers finish together
                todo.sort(key=lambda i: -src.units[i].path.stat().st_size)
                futs = {ex.submit(_process_unit, src.root, src.units[i], keys[i]): i for i in todo}
                for f in as_completed(futs):
                    payloads[futs[f]] = f.result()
                    advance()
        except (OSError, BrokenProcessPool):
            pass              # no worker processes here (sandbox, limits): finish in this one
    for i in todo:
        if payloads[i] is None:
            payloads[i] = _process_unit(src.root, src.units[i], keys[i])
            advance()
    errors = [(UnsupportedError if p[1] == "UnsupportedError" else SourceError)(*p[2:])
              for p in payloads if isinstance(p, tuple)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SourceErrors(errors, len(src.units))
    facts = [pickle.loads(p) for p in payloads]
    prog = merge(facts, src.shown_root)
    prog.cflags = list(src.cflags)
    return prog


# --------------------------------------------------------------------------
# merge
# --------------------------------------------------------------------------


def merge(tus: list[TUFacts], root: str) -> Program:
    prog = Program(root=root, files=[t.file for t in tus])
    _split_local_types(tus)
    _merge_types(prog, tus)
    _merge_globals(prog, tus)
    _merge_functions(prog, tus)
    seen_warnings: set[tuple] = set()
    for t in tus:
        prog.enumerators.update(t.enumerators)
        prog.system_includes[t.file] = list(t.system_includes)
        prog.system_prologue[t.file] = list(t.system_prologue)
        for w in t.warnings:
            if (w.code, w.coord, w.message) not in seen_warnings:
                seen_warnings.add((w.code, w.coord, w.message))
                prog.warnings.append(w)
    # keep only keys the program has: libc functions and globals, and struct
    # tags that are never declared at file scope (local to one function body)
    funcs, globs, types = prog.functions, prog.globals, prog.types
    for f in funcs.values():
        f.calls = {k for k in f.calls if k in funcs}
        f.addr_taken = {k for k in f.addr_taken if k in funcs}
        f.reads = {k for k in f.reads if k in globs}
        f.writes = {k for k in f.writes if k in globs}
        f.type_deps = {k for k in f.type_deps if k in types}
        f.sig_type_deps = {k for k in f.sig_type_deps if k in types}
    for g in globs.values():
        g.type_deps = {k for k in g.type_deps if k in types}
    for t in types.values():
        t.deps = {k for k in t.deps if k in types}
        t.deps_by_value = {k for k in t.deps_by_value if k in types}
    return prog


_ONE_PROGRAM = (" (if these files are not linked into one program, load a compile_commands.json "
                "or a list of the .c files that are)")


def _split_local_types(tus: list[TUFacts]) -> None:
    """A struct/union/enum defined in a .c file belongs to that TU.  When two
    TUs define one tag differently in their own .c files (legal C), both are
    kept, keyed "struct S@file.c" like statics, and that TU's entities refer
    to its own.  (Two readings of one header's definition are a warning in
    _merge_types instead.)"""
    texts: dict[str, set[str]] = {}
    for t in tus:
        for ent in t.types:
            if ent.kind != "typedef" and _complete(ent):
                texts.setdefault(ent.key, set()).add(ent.text)
    clashing = {k for k, v in texts.items() if len(v) > 1}
    if not clashing:
        return
    for t in tus:
        rename = {e.key: f"{e.key}@{t.file}" for e in t.types
                  if e.key in clashing and _complete(e) and e.coord.file == t.file}
        if not rename:
            continue
        for e in t.types:
            e.key = rename.get(e.key, e.key)
            e.deps = {rename.get(k, k) for k in e.deps}
            e.deps_by_value = {rename.get(k, k) for k in e.deps_by_value}
        for g in t.globals:
            g.entity.type_deps = {rename.get(k, k) for k in g.entity.type_deps}
        for f in t.functions:
            f.type_deps = {rename.get(k, k) for k in f.type_deps}
            f.sig_type_deps = {rename.get(k, k) for k in f.sig_type_deps}
        t.enumerators = {n: rename.get(k, k) for n, k in t.enumerators.items()}


def _merge_types(prog: Program, tus: list[TUFacts]) -> None:
    types: dict[str, TypeEntity] = prog.types
    where: dict[str, str] = {}          # key -> TU whose definition is used
    conflicts: set[str] = set()
    for t in tus:
        for ent in t.types:
            old = types.get(ent.key)
            if old is None or not _complete(old) and _complete(ent):
                types[ent.key] = ent
                where[ent.key] = t.file
            elif _complete(old) and _complete(ent) and old.text != ent.text and ent.key not in conflicts:
                conflicts.add(ent.key)
                prog.type_variants.setdefault(ent.key, []).append((t.file, ent.node))
                prog.warnings.append(Warning_(
                    "type-conflict",
                    f"{ent.key} reads differently in {t.file} than in {where[ent.key]} (macros?); "
                    f"the definition seen by {where[ent.key]} is used",
                    ent.coord))


def _complete(t: TypeEntity) -> bool:
    if t.kind == "typedef":
        return True
    node = t.node
    return (node.values if t.kind == "enum" else node.decls) is not None


def _rank(g) -> int:
    """Which declaration of one global in one TU stands for it."""
    if not g.defined:
        return 0
    return 2 if g.entity.init_text is not None else 1


def _merge_globals(prog: Program, tus: list[TUFacts]) -> None:
    defined_in: dict[str, GlobalEntity] = {}
    declared: dict[str, GlobalEntity] = {}
    for t in tus:
        best: dict[str, object] = {}
        for g in t.globals:
            cur = best.get(g.entity.key)
            if cur is None or _rank(g) > _rank(cur):
                best[g.entity.key] = g
        for key, g in best.items():
            ent = g.entity
            if not g.defined:
                declared.setdefault(key, ent)
                continue
            other = defined_in.get(key)
            if other is not None:
                raise SourceError(ent.coord.file, ent.coord.line,
                                  f"global '{ent.name}' is defined in {t.file} and also in {other.file} "
                                  f"({other.coord}): two definitions of one external symbol{_ONE_PROGRAM}")
            defined_in[key] = ent
    for key, ent in declared.items():
        if key not in defined_in:
            ent.extern_only = True
            prog.globals[key] = ent
    for key, ent in defined_in.items():
        ent.extern_only = False
        prog.globals[key] = ent


def _merge_functions(prog: Program, tus: list[TUFacts]) -> None:
    funcs: dict[str, FunctionEntity] = prog.functions
    for t in tus:
        for f in t.functions:
            other = funcs.get(f.key)
            if other is None:
                funcs[f.key] = f
            elif f.inline and other.inline:
                continue          # one inline definition seen from several TUs
            else:
                raise SourceError(f.coord.file, f.coord.line,
                                  f"function '{f.name}' is defined in {t.file} and also in {other.file} "
                                  f"({other.coord}): two definitions of one external symbol{_ONE_PROGRAM}")
