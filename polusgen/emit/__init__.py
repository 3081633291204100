"""ChangeSet -> patch.polus.c.

    write_patch(cs, output, *, version_file=None, binary=None, program=None, user_code=None) -> PatchPlan
    render_patch(plan, so_name="patch.so") -> str

write_patch makes the plan (polusgen.plan: named, spelled, synchronized and
checked, then frozen) and renders it: templates/patch.polus.c.j2 prints the
plan's spelled items, and this module only adds how the warnings and the
manifest read in C.  The patch file is written atomically, and only then the
version file advances.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

import jinja2

from polusgen.build import build_flags_line, program_warnings
from polusgen.errors import PolusError
from polusgen.manifest import Manifest
from polusgen.model import ChangeSet
from polusgen.outputs import write_text
from polusgen.plan import PatchPlan, make_plan, sanitize
from polusgen.plan.safety import coverage_condition, skeleton_path, write_skeleton
from polusgen.resources import templates_dir
from polusgen.versionfile import VersionFile

__all__ = ["write_patch", "render_patch", "so_path_for", "program_name"]


def so_path_for(c_path: Path) -> Path:
    """patch.polus.c -> patch.so (and x.c -> x.so)."""
    c_path = Path(c_path)
    name = c_path.name
    for ext in (".polus.c", ".c"):
        if name.endswith(ext):
            return c_path.with_name(name[: -len(ext)] + ".so")
    return c_path.with_name(name + ".so")


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


def render_patch(plan: PatchPlan, *, so_name: str = "patch.so") -> str:
    """The patch's C text: the plan's spelled items through the templates."""
    manifest = plan.manifest
    return _env().get_template("patch.polus.c.j2").render(
        **plan.spelled, program=plan.program, name=plan.name, from_version=plan.from_version,
        to_version=plan.to_version, requires=plan.requires, so_name=so_name,
        warnings=[re.sub(r"\*/", "* /", str(x)) for x in plan.warnings],
        program_warnings=program_warnings(), build_flags=build_flags_line(plan.spelled["cflags"]),
        manifest=manifest, manifest_lines=manifest_c_lines(manifest))


def manifest_c_lines(manifest: Manifest) -> list[str]:
    """The manifest as C string literal lines.  Whether the user code covers a
    finding is known only when the patch is compiled (`polusgen build
    --user-code`, the Makefile, another machine): the preprocessor writes each
    finding's "covered", so the library's manifest tells what it holds."""
    marked = replace(manifest, findings=[replace(f, covered=f"@@polus_covered_{i}@@")
                                         for i, f in enumerate(manifest.findings)])
    pieces = re.split(r'"@@polus_covered_(\d+)@@"', marked.to_json())
    out = c_string_lines(pieces[0])
    for i in range(1, len(pieces), 2):
        f = manifest.findings[int(pieces[i])]
        cond = coverage_condition(f.covers, f.or_covers)
        out += [f"#if {cond}", '"true"', "#else", '"false"', "#endif"] + c_string_lines(pieces[i + 1])
    return out


def c_string_lines(text: str, width: int = 96) -> list[str]:
    """A long string as C string literal pieces (escaped, never split inside an escape)."""
    out = []
    for i in range(0, len(text), width):
        chunk = text[i:i + width]
        out.append('"' + chunk.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"')
    return out or ['""']


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
    skeleton = skeleton_path(output)
    plan = make_plan(cs, version_file=vf, program=program or vf.program, binary=binary,
                     user_code=user_code, skeleton=skeleton.resolve())
    so = so_path_for(output)
    text = render_patch(plan, so_name=so.name)

    write_text(output, text)
    todo = [f for f in plan.errors if not f.covered]
    if todo:
        write_skeleton(todo, skeleton, plan.name)
    if version_file is not None:
        vf.record_patch(plan, output, so)
        vf.save(Path(version_file))
    return plan
