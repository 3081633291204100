"""`polusgen diff`: load both versions, compute the change set, report it,
write it as JSON and/or write the patch."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from polusgen.errors import PolusError
from polusgen.model import ChangeSet


def load_changeset(old: Path, new: Path, *, include: Sequence[str] = (), define: Sequence[str] = (),
                   system: Sequence[str] = (),
                   binary: Optional[Path] = None, version_file: Optional[Path] = None,
                   use_cache: bool = True, output: Optional[Path] = None) -> ChangeSet:
    """With `binary` and `version_file`: what gcc inlined is looked for where the
    version file puts each function's live version (the binary or a patch library),
    as it was before the step that writes `output` if that step is redone."""
    from polusgen.diff import compute_changeset
    from polusgen.frontend import load_program

    for v in (old, new):
        if not Path(v).exists():
            raise PolusError(f"{v}: no such file or folder")
    old_prog = load_program(Path(old), include_dirs=tuple(include), defines=tuple(define), use_cache=use_cache,
                            system_dirs=tuple(system))
    new_prog = load_program(Path(new), include_dirs=tuple(include), defines=tuple(define), use_cache=use_cache,
                            system_dirs=tuple(system))
    vf = None
    if binary is not None and version_file is not None:
        from polusgen.versionfile import VersionFile

        vf = VersionFile.load(Path(version_file))
        if output is not None:
            vf.reopen_step(Path(output))
    return compute_changeset(old_prog, new_prog, binary=Path(binary) if binary else None, version_file=vf)


def run_diff(old: Path, new: Path, *, output: Optional[Path] = None, report: bool = True, verbose: bool = False,
             json_out: Optional[Path] = None, include: Sequence[str] = (), define: Sequence[str] = (),
             system: Sequence[str] = (),
             version_file: Optional[Path] = None, binary: Optional[Path] = None, program: Optional[str] = None,
             user_code: Optional[Path] = None, use_cache: bool = True) -> ChangeSet:
    cs = load_changeset(old, new, include=include, define=define, system=system, binary=binary, version_file=version_file,
                        use_cache=use_cache, output=output)

    if json_out is not None:
        from polusgen.report import changeset_to_json

        text = json.dumps(changeset_to_json(cs), indent=2) + "\n"
        if str(json_out) == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(json_out).write_text(text)

    from polusgen.report import print_report, render_findings, report_console

    # JSON on stdout stays parseable: the table and the findings go to stderr then
    console = report_console(stderr=str(json_out) == "-")
    if report or verbose:
        print_report(cs, console, verbose=verbose, warnings=output is None)

    if output is not None:
        from polusgen.emit import write_patch

        try:
            plan = write_patch(cs, Path(output), version_file=version_file, binary=binary, program=program,
                               user_code=user_code)
        except PolusError:
            console.print(render_findings(cs.warnings))
            raise
        # every finding: the change set's, the plan's and the emitter's
        console.print(render_findings(plan.warnings))
        todo = [f for f in plan.errors if not f.covered]
        if todo:
            from rich.text import Text

            from polusgen.safety import skeleton_note, skeleton_path

            # one line however long: a path cut in two cannot be copied
            console.print(Text(skeleton_note(todo, skeleton_path(Path(output))), style="bold"), soft_wrap=True)
    return cs

