"""`polusgen evolve v0 v1 v2 ...`: the whole chain of patches for one program.

One version file carries the chain, so patch N names what it changes `_vN`
and finds the old side of each symbol where patch N-1 left it.  Every
version is loaded once; each step reports its change table, its warnings and
the size of the patch it built.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from polusgen.errors import NothingToDo, PolusError
from polusgen.model import Warning_
from polusgen.progress import NO_PROGRESS, ProgressFn


@dataclass
class EvolveStep:
    old: Path
    new: Path
    patch_c: Path
    patch_so: Path
    counts: dict
    warnings: list[Warning_] = field(default_factory=list)   # every finding of the step (change set, plan, emitter)
    version_file: Optional[Path] = None

    @property
    def so_size(self) -> int:
        return self.patch_so.stat().st_size


def evolve(versions: Sequence[Path], out_dir: Path, *, binary: Optional[Path] = None,
           program: Optional[str] = None, include: Sequence[str] = (), define: Sequence[str] = (),
           system: Sequence[str] = (),
           user_code_dir: Optional[Path] = None, user_code: Optional[dict[int, Path]] = None,
           use_cache: bool = True, on_step=None, progress: ProgressFn = NO_PROGRESS) -> list[EvolveStep]:
    """Build patches v0->v1, v1->v2, ... for the process running `binary` (v0).

    The hand-written code of the step that produces version N
    (templates/USER_CODE.md) is `user_code[N]`, else `user_code_dir/v<N>.c`
    when present.  `on_step(N, step, changeset)` is called after each step
    is built (a failing step raises PolusError; the steps before it stay).
    """
    from polusgen.build import build_patch
    from polusgen.diff import compute_changeset
    from polusgen.emit import write_patch
    from polusgen.frontend import load_program
    from polusgen.versionfile import VersionFile

    versions = [Path(v) for v in versions]
    if len(versions) < 2:
        raise PolusError("evolve needs at least two versions (v0 v1 ...)")
    for v in versions:
        if not v.exists():
            raise PolusError(f"{v}: no such version tree")
    if program is None:
        from polusgen.emit import program_name

        program = Path(binary).name if binary else program_name(versions[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    vfile = out_dir / f"{program}.json"
    # A new chain starts from the running binary: an old version file would
    # make these patches continue some other chain.
    if vfile.exists():
        backup = vfile.with_suffix(".json.old")
        shutil.move(vfile, backup)

    steps: list[EvolveStep] = []
    built = progress("building patches", len(versions) - 1)
    old_prog = load_program(versions[0], include_dirs=include, defines=define, use_cache=use_cache,
                            system_dirs=system, progress=progress)
    vf = None        # the chain's version file, once a step has written it
    for i, new_path in enumerate(versions[1:], start=1):
        new_prog = load_program(new_path, include_dirs=include, defines=define, use_cache=use_cache,
                                system_dirs=system, progress=progress)
        # Every step is checked against the running binary: a function gcc
        # inlined there still lives on inside its v0 callers at step N; and
        # against the patch libraries the live versions of the others are in.
        cs = compute_changeset(old_prog, new_prog, binary=binary, version_file=vf)
        if binary is not None:
            from polusgen.pipeline import find_transfers

            find_transfers(cs, Path(binary), vf)
        patch_c = out_dir / f"{program}-v{i}.polus.c"
        user = (user_code or {}).get(i)
        if user is None and user_code_dir and (Path(user_code_dir) / f"v{i}.c").is_file():
            user = Path(user_code_dir) / f"v{i}.c"
        plan = write_patch(cs, patch_c, version_file=vfile, binary=binary, program=program, user_code=user)
        so = build_patch(patch_c, out_dir / f"{program}-v{i}.so")     # with the include options it records
        step = EvolveStep(versions[i - 1], new_path, patch_c, so, cs.counts(), list(plan.warnings), vfile)
        steps.append(step)
        built()
        if on_step:
            on_step(i, step, cs)
        old_prog = new_prog
        if binary is not None:
            vf = VersionFile.load(vfile)
    return steps


def run_evolve(versions: Sequence[Path], *, out_dir: Path, binary: Optional[Path], program: Optional[str],
               include: Sequence[str], define: Sequence[str], system: Sequence[str] = (),
               user_code_dir: Optional[Path] = None, use_cache: bool = True, json_out: bool = False,
               progress: ProgressFn = NO_PROGRESS) -> list[EvolveStep]:
    """Each step's table and warnings as it is built, then what was written;
    with json_out only the JSON document (docs/json.md) on stdout.  Raises
    NothingToDo (exit 3) when no step changes anything."""
    import json

    from rich.padding import Padding

    from polusgen.output import say
    from polusgen.report import render_findings, render_table, report_console, summary_line

    con = report_console()
    con.quiet = json_out
    summaries: list[str] = []

    def show(i: int, step: EvolveStep, cs) -> None:
        summaries.append(summary_line(cs))
        con.print(f"\n[bold]v{i - 1} -> v{i}[/]  {step.old} -> {step.new}")
        con.print(render_table(cs))
        con.print(Padding(render_findings(step.warnings), (0, 0, 0, 2)))
        con.print(f"  patch: {step.patch_so} ({step.so_size} bytes, {step.patch_c.stat().st_size} bytes of C)",
                  markup=False)

    steps = evolve(versions, out_dir, binary=binary, program=program, include=include, define=define, system=system,
                   user_code_dir=user_code_dir, use_cache=use_cache, on_step=show, progress=progress)
    nothing = all(x == "no changes" for x in summaries)
    if json_out:
        say(json.dumps({
            "schema": 1, "command": "evolve", "ok": True, "changed": not nothing,
            "exit_code": 3 if nothing else 0, "out_dir": str(out_dir),
            "version_file": str(steps[-1].version_file),
            "steps": [{"from_version": i, "to_version": i + 1, "old": str(st.old), "new": str(st.new),
                       "patch_c": str(st.patch_c), "patch_so": str(st.patch_so), "so_size": st.so_size,
                       "counts": st.counts, "summary": summaries[i],
                       "warnings": [{"code": w.code, "severity": w.severity, "text": str(w)} for w in st.warnings]}
                      for i, st in enumerate(steps)]}, indent=2))
    else:
        con.print(f"\nwrote {len(steps)} patch(es) and {steps[-1].version_file} to {out_dir}:", markup=False)
        for i, (st, line) in enumerate(zip(steps, summaries)):
            errors = sum(w.is_error for w in st.warnings)
            con.print(f"  v{i} -> v{i + 1}: {st.patch_so.name} ({line}, {len(st.warnings) - errors} warning(s), "
                      f"{errors} error(s))", markup=False)
    if nothing:
        raise NothingToDo("no changes in any step: the versions do not differ")
    return steps
