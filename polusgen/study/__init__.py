"""`polusgen study`: live-update a program through its release history and
report, per consecutive pair, what a user would meet (see run.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional, Sequence

from polusgen.errors import PolusError


def run_study(trees: Sequence[Path], *, binary: str, start: str, probe: str, requests: Sequence[str] = (),
              masks: Sequence[str] = (), sources: str = "{tree}", build: Optional[str] = None,
              include: Sequence[str] = (), define: Sequence[str] = (), user_code: Optional[str] = None,
              program: Optional[str] = None, work: Path = Path("study"), json_out: Optional[Path] = None,
              load_threads: int = 2, tree: bool = False, log: Callable[[str], None] = print) -> list:
    from polusgen.study.probes import Probe
    from polusgen.study.run import Study, StudyRun, build_trees, releases, table, totals

    if len(trees) < 2:
        raise PolusError("a study needs at least two release trees, in release order")
    for t in trees:
        if not Path(t).exists():
            raise PolusError(f"{t}: no such release (a tree, a .c file or a compile_commands.json)")
    try:
        rels = releases(trees, binary, sources)
        p = Probe(probe, requests, masks)
    except (ValueError, KeyError, IndexError) as e:
        raise PolusError(f"study: {e}") from e
    if build:
        try:
            build_trees(rels, build, log)
        except RuntimeError as e:
            raise PolusError(str(e)) from e
    for r in rels:
        if not r.binary.is_file():
            raise PolusError(f"{r.binary}: no such binary for release {r.name} (give --build or build it first)")
    work = Path(work).resolve()
    name = program or rels[0].binary.name
    results: list = []

    def save(_res=None) -> None:
        if json_out is not None:
            Path(json_out).write_text(json.dumps({"program": name, "pairs": [r.to_json() for r in results],
                                                  "totals": totals(results)}, indent=2) + "\n")

    study = Study(rels, start, p, work, name, include, define, user_code, load_threads, tree=tree)
    StudyRun(study, log).run(on_pair=lambda r: (results.append(r), save()))
    log(table(results, name))
    return results
