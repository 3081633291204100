"""ChangeSet -> patch.polus.c.

    write_patch(cs, output, *, version_file=None, binary=None, program=None, user_code=None) -> PatchPlan

Plans the patch (polusgen.plan), prints every item the patch needs with the
renaming generator (polusgen.emit.rename), makes the synchronization code
(polusgen.emit.sync), takes the -D options, feature macros and system
includes from what the frontend recorded (polusgen.emit.prologue) and
renders templates/patch.polus.c.j2.  The patch file
is written atomically, and only then the version file advances.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Optional

import jinja2

from polusgen import elf
from polusgen.build import build_flags_line, program_warnings
from polusgen.errors import PolusError
from polusgen.manifest import Binary
from polusgen.model import ChangeSet
from polusgen.outputs import write_text
from polusgen.plan import PatchPlan, make_plan, sanitize
from polusgen.resources import templates_dir
from polusgen.safety import (find_unsafe, mark_covered, pre_update_hooks, skeleton_path, without_replaced,
                             write_skeleton)
from polusgen.versionfile import VersionFile

from .prologue import build_prologue
from .sync import SyncBuilder
from .usercode import kept_generated, user_functions, user_old_refs
from .registration import registration
from .writer import PatchWriter, completed_type, manifest_c_lines

__all__ = ["write_patch", "render_patch", "binary_identity", "binary_function_symbols", "so_path_for"]


def so_path_for(c_path: Path) -> Path:
    """patch.polus.c -> patch.so (and x.c -> x.so)."""
    c_path = Path(c_path)
    name = c_path.name
    for ext in (".polus.c", ".c"):
        if name.endswith(ext):
            return c_path.with_name(name[: -len(ext)] + ".so")
    return c_path.with_name(name + ".so")


def binary_identity(binary: Optional[Path]) -> Binary:
    if binary is None:
        return Binary()
    binary = Path(binary)
    if not binary.is_file():
        raise PolusError(f"{binary}: no such binary")
    bid = elf.build_id(binary)
    sha = None if bid else hashlib.sha256(binary.read_bytes()).hexdigest()
    return Binary(path=str(binary.resolve()), build_id=bid, sha256=sha)


def binary_function_symbols(binary: Path) -> Optional[dict[tuple[str, Optional[str]], int]]:
    """(name, source file basename or None) -> size of every defined function symbol; None if unreadable/stripped."""
    try:
        e = elf.ElfFile(binary)
    except (OSError, elf.ElfError):
        return None
    out = {(sym.name, os.path.basename(sym.file) if sym.file else None): sym.size
           for table in (".symtab", ".dynsym") for sym in e.symbols(table)
           if sym.type == elf.STT_FUNC and sym.defined}
    return out or None


def program_name(root: Path) -> str:
    """A program's name from its source: the folder, or its parent when the
    folder (or file) is named like a version (v1, 2.0.4, new)."""
    root = root.resolve()
    name = root.name if root.is_dir() else root.stem
    if re.fullmatch(r"(v|version)?[-_]?\d+([._-]\d+)*[a-z]?|old|new", name, re.I) or not name:
        name = root.parent.name
    return sanitize(name) or "program"


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                              autoescape=False)


def _reach_heap(ops, sb: SyncBuilder, seen=None) -> bool:
    seen = seen if seen is not None else set()
    for op in ops:
        if op["op"] == "ptr":
            return True
        if op["op"] in ("loop",) and _reach_heap(op["body"], sb, seen):
            return True
        if op["op"] == "members" and _reach_heap(op["ops"], sb, seen):
            return True
        if op["op"] == "call":
            for conv in sb.converters.values():
                if f"POLUS_SEL_{conv.name[len('polus_'):]}" == op["fn"] and conv.name not in seen:
                    seen.add(conv.name)
                    if _reach_heap(conv.ops, sb, seen):
                        return True
    return False


def render_patch(plan: PatchPlan, *, user_code: Optional[Path] = None, so_name: str = "patch.so",
                 skeleton: Optional[Path] = None) -> str:
    """`skeleton`: where `polusgen diff` writes the user code skeleton of the
    patch's findings (recorded in the manifest for the messages of build and apply)."""
    cs = plan.cs
    user_names = user_functions(user_code) if user_code else []
    w = PatchWriter(plan, user_names, str(Path(user_code).resolve()) if user_code else None)

    # new code first: it decides which imports and types are needed
    functions = [w.function_item(k) for k in plan.emitted_functions]
    for name in user_old_refs(user_code) if user_code else []:
        w.user_import(name)
    globals_ = [w.global_item(k) for k in plan.emitted_globals]
    stubs = [w.stub_item(s) for s in plan.stubs]
    copies = w.copy_items()

    # synchronization of every changed global
    sb = SyncBuilder(w)
    data = []
    for d in plan.data:
        ch = cs.globals[d.key]
        old_t, new_t = completed_type(ch.old.node), completed_type(ch.new.node)
        from .rename import pointer_to

        if d.no_sync:
            o2n = n2o = []
        else:
            o2n = sb.global_ops("o2n", old_t, new_t, d.key, ch.new.coord)
            n2o = sb.global_ops("n2o", old_t, new_t, d.key, ch.new.coord)
        item = {
            "key": d.key, "base": d.base, "new_symbol": d.new_symbol, "old_import": d.old_import,
            "old_macro": plan.imports[d.old_import].macro, "readonly": d.readonly, "no_sync": d.no_sync,
            "coord": str(ch.new.coord), "reasons": ch.reasons, "o2n": o2n, "n2o": n2o,
            "new_ptr_d": w.spell("new", pointer_to(w.named_type("new", d.key, new_t)), "d"),
            "new_ptr_s": w.spell("new", pointer_to(w.named_type("new", d.key, new_t)), "s"),
            "old_ptr_d": w.spell("old", pointer_to(w.named_type("old", d.key, old_t)), "d"),
            "old_ptr_s": w.spell("old", pointer_to(w.named_type("old", d.key, old_t)), "s"),
        }
        if not d.no_sync:
            w.override(f"polus_o2n_{d.base}")
            w.override(f"polus_n2o_{d.base}")
        data.append(item)
    for conv in sb.converters.values():
        w.override(conv.name)
    for item, d in zip(data, plan.data):
        d.heap = item["heap"] = _reach_heap(item["o2n"], sb)
    w.heap_analysis(sb)
    plan.heap_types = sorted(sb.heap)
    # what the patch cannot carry by itself: refused by build and apply unless user code covers it
    # (it needs the sync functions made: once the plan makes them, this belongs to its verification step)
    errors = find_unsafe(plan, sb, w)
    mark_covered(errors, user_code)
    aliased = {f"heap_{h.ident}" for h in sb.heap.values() if h.aliased}
    user_hooks = [u for u in pre_update_hooks(errors) if u not in aliased]

    import_macros = w.import_macros()
    externs = w.extern_items()
    types = w.type_items()

    warnings = errors + without_replaced(list(plan.warnings) + sb.warnings + w.warnings, errors)
    plan.warnings = warnings
    manifest, calls = registration(plan, [str(x) for x in warnings if not x.is_error],
                                   str(skeleton) if skeleton is not None else None)
    defines, includes = build_prologue(cs.new, cs.old)
    if sb.heap and "stdint.h" not in {h["header"] for h in includes}:   # uintptr_t in the heap tracing code
        includes.append({"header": "stdint.h", "before": []})

    ctx = {
        "program": plan.program, "name": plan.name, "from_version": plan.from_version,
        "to_version": plan.to_version, "requires": plan.requires, "ident": sanitize(plan.name),
        "counts": cs.counts(),
        "warnings": [re.sub(r"\*/", "* /", str(x)) for x in warnings],
        "so_name": so_name, "defines": defines, "program_warnings": program_warnings(),
        "build_flags": build_flags_line(cs.new.cflags),
        "includes": includes, "user_code": w.user_code, "user_names": user_names,
        "user_keeps": kept_generated(user_code) if user_code else [],
        "tags": sorted(w.tags), "types": types, "anon_types": list(w.anon_types.values()), "externs": externs,
        "n_imports": len(plan.imports), "import_macros": import_macros,
        "functions": functions, "copies": copies, "stubs": stubs, "globals": globals_,
        "converters": list(sb.converters.values()), "heap": list(sb.heap.values()), "data": data,
        "overrides": [o[len("polus_"):] for o in w.overrides], "user_hooks": user_hooks,
        "runtime_inits": [g["runtime_init"] for g in globals_ if g["runtime_init"]],
        "registration": calls, "manifest": manifest, "manifest_lines": manifest_c_lines(manifest),
    }
    plan.manifest = manifest
    return _env().get_template("patch.polus.c.j2").render(**ctx)


def write_patch(cs: ChangeSet, output: Path, *, version_file: Optional[Path] = None, binary: Optional[Path] = None,
                program: Optional[str] = None, user_code: Optional[Path] = None) -> PatchPlan:
    output = Path(output)
    if user_code is not None and not Path(user_code).is_file():
        raise PolusError(f"{user_code}: no such user code file")
    if program is None and binary is not None:
        program = Path(binary).name
    vf = VersionFile.load(Path(version_file) if version_file else None, program)
    vf.reopen_step(output)
    if program is None and not vf.program:
        program = program_name(Path(cs.new.root))
    plan = make_plan(cs, version_file=vf, program=program or vf.program, binary=binary_identity(binary),
                     binary_symbols=binary_function_symbols(binary) if binary is not None else None)
    so = so_path_for(output)
    skeleton = skeleton_path(output)
    text = render_patch(plan, user_code=user_code, so_name=so.name, skeleton=skeleton.resolve())

    write_text(output, text)
    todo = [f for f in plan.errors if not f.covered]
    if todo:
        write_skeleton(todo, skeleton, plan.name)
    if version_file is not None:
        vf.record_patch(plan, output, so)
        vf.save(Path(version_file))
    return plan
