"""`polusgen diff`: load both versions, compute the change set, report it,
write it as JSON and/or write the patch, and end with what was written."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

from polusgen.errors import NothingToDo, PolusError
from polusgen.model import ChangeSet
from polusgen.output import say
from polusgen.outputs import write_text
from polusgen.progress import NO_PROGRESS, ProgressFn


def load_changeset(old: Path, new: Path, *, include: Sequence[str] = (), define: Sequence[str] = (),
                   system: Sequence[str] = (),
                   binary: Optional[Path] = None, version_file: Optional[Path] = None,
                   use_cache: bool = True, output: Optional[Path] = None,
                   progress: ProgressFn = NO_PROGRESS) -> ChangeSet:
    """With `binary` and `version_file`: what gcc inlined is looked for where the
    version file puts each function's live version (the binary or a patch library),
    as it was before the step that writes `output` if that step is redone."""
    from polusgen.diff import compute_changeset
    from polusgen.frontend import load_program

    for v in (old, new):
        if not Path(v).exists():
            raise PolusError(f"{v}: no such file or folder")
    old_prog, new_prog = (load_program(Path(v), include_dirs=tuple(include), defines=tuple(define),
                                       use_cache=use_cache, system_dirs=tuple(system), progress=progress)
                          for v in (old, new))
    vf = None
    if binary is not None and version_file is not None:
        from polusgen.versionfile import VersionFile

        vf = VersionFile.load(Path(version_file))
        if output is not None:
            vf.reopen_step(Path(output))
    cs = compute_changeset(old_prog, new_prog, binary=Path(binary) if binary else None, version_file=vf)
    if binary is not None:
        find_transfers(cs, Path(binary), vf)
    return cs


def find_transfers(cs: ChangeSet, binary: Path, vf) -> None:
    """The transfer points of cs's changed never-left functions (cs.transfers),
    and what each one's warnings say becomes of its running activation."""
    from polusgen.transfer.points import annotate_warnings, find_points

    cs.transfers, notes = find_points(cs, binary, patched=_patched(vf))
    annotate_warnings(cs, notes)


def _patched(vf):
    """fn -> (name, library path) of the earlier patch its live version is in, or None (the binary's)."""
    from polusgen.versionfile import vf_key

    def lib(fn):
        rec = vf.lookup("functions", vf_key(fn)) if vf is not None else None
        if rec is None or rec.deleted or rec.lib is None:
            return None
        so = Path(rec.so or "")
        if vf.path is not None and (vf.path.parent / so.name).is_file():     # look beside the version file first
            so = vf.path.parent / so.name
        return rec.lib, so
    return lib


def run_diff(old: Path, new: Path, *, output: Optional[Path] = None, report: bool = True, verbose: bool = False,
             json_out: Optional[Path] = None, include: Sequence[str] = (), define: Sequence[str] = (),
             system: Sequence[str] = (),
             version_file: Optional[Path] = None, binary: Optional[Path] = None, program: Optional[str] = None,
             user_code: Optional[Path] = None, use_cache: bool = True,
             progress: ProgressFn = NO_PROGRESS) -> ChangeSet:
    """Raises NothingToDo (exit 3) when the versions do not differ: no patch is written then."""
    from polusgen.report import summary_line

    cs = load_changeset(old, new, include=include, define=define, system=system, binary=binary,
                        version_file=version_file, use_cache=use_cache, output=output, progress=progress)
    to_stdout = str(json_out) == "-"
    if json_out is not None:
        from polusgen.report import changeset_to_json

        text = json.dumps(changeset_to_json(cs), indent=2)
        if to_stdout:
            say(text)
        else:
            write_text(Path(json_out), text + "\n")

    from polusgen.report import print_report, render_findings, report_console

    # JSON on stdout stays parseable: the table, what was written and the
    # findings go to stderr then
    console = report_console(stderr=to_stdout)
    if report or verbose:
        print_report(cs, console, verbose=verbose, warnings=output is None)
        if cs.transfers:
            from polusgen.transfer.points import transfer_report

            console.print("\n".join(["transfer points of never-left functions:"] + transfer_report(cs.transfers)),
                          markup=False, soft_wrap=True)
    if summary_line(cs) == "no changes":
        raise NothingToDo(f"no changes between {old} and {new}" + (f": {output} not written" if output else ""))
    if output is not None:
        from polusgen.emit import write_patch

        try:
            plan = write_patch(cs, Path(output), version_file=version_file, binary=binary, program=program,
                               user_code=user_code)
        except PolusError:
            console.print(render_findings(cs.warnings))
            raise
        console.print(f"wrote {output} (patch {plan.name}, v{plan.from_version} -> v{plan.to_version}): "
                      f"{summary_line(cs)}", markup=False)
        if version_file is not None:
            console.print(f"updated {version_file}", markup=False)
        # every finding: the change set's, the plan's and the emitter's
        console.print(render_findings(plan.warnings))
        todo = [f for f in plan.errors if not f.covered]
        if todo:
            from rich.text import Text

            from polusgen.plan.safety import skeleton_note, skeleton_path

            # one line however long: a path cut in two cannot be copied
            console.print(Text(skeleton_note(todo, skeleton_path(Path(output))), style="bold"), soft_wrap=True)
    return cs

