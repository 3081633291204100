"""Version files: versionfiles/<program>.json.

One JSON record per program (and running process lineage) of

* the global version number: 0 is the binary that was started, patch N takes
  it to N;
* every symbol: its current version, its current name and where it lives
  (the program, with the source file of a static; or the patch's name and
  .so); the first patch records every symbol of the started program (version
  0), later ones what they add, change or delete;
* the patches in order.

The next patch reads it to name what it changes `_v<N+1>` and to find the old
side of every symbol (the program, or an earlier patch's library).  It is
written only after the patch file was written successfully.  Each patch
entry keeps the records it replaced ("replaced"), so writing the last step's
patch again (after a failed build) redoes that step instead of adding one.

    {
      "format": 1, "program": "fig2", "version": 1,
      "symbols": {
        "functions": {"foo": {"version": 1, "name": "foo_v1", "lib": "fig2-v1", "so": "fig2-v1.so"}},
        "globals":   {"ab":  {"version": 1, "name": "ab_v1",  "lib": "fig2-v1", "so": "fig2-v1.so"}},
        "types":     {"struct A": {"version": 1, "name": "struct A_v1"}}
      },
      "patches": [{"name": "fig2-v1", "from": 0, "to": 1, "c": "fig2-v1.polus.c", "so": "fig2-v1.so"}]
    }

Static symbols are keyed "name@file" with the file they were defined in.
"so" and "c" are the paths the patch was written with, as given (relative to
the working directory then, or absolute); tools reading them look in the
version file's folder first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from polusgen.errors import VersionFileError
from polusgen.model import static_key


def vf_key(ent) -> str:
    """The version file's key of a function or global entity."""
    return static_key(ent.name, ent.file) if ent.static else ent.name


FORMAT = 1
SECTIONS = ("functions", "globals", "types")


@dataclass
class SymbolRecord:
    version: int
    name: str                      # current symbol (or type spelling)
    lib: Optional[str] = None      # patch that defines it; None: the program itself
    so: Optional[str] = None
    file: Optional[str] = None     # statics living in the program: their source file
    deleted: bool = False


@dataclass
class VersionFile:
    program: str
    version: int = 0
    symbols: dict[str, dict[str, SymbolRecord]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    patches: list[dict] = field(default_factory=list)
    path: Optional[Path] = None

    # ------------------------------------------------------------ reading
    @classmethod
    def load(cls, path: Optional[Path], program: Optional[str] = None) -> "VersionFile":
        """The version file at `path`, or a fresh one (version 0) if it does not exist."""
        if path is None or not Path(path).exists():
            return cls(program=program or "", path=Path(path) if path else None)
        if not Path(path).is_file():
            raise VersionFileError(f"{path}: not a regular file")
        try:
            d = json.loads(Path(path).read_text())
            if d.get("format") != FORMAT:
                raise VersionFileError(f"{path}: unknown version file format {d.get('format')!r}")
            vf = cls(program=d["program"], version=int(d["version"]), patches=list(d.get("patches", [])),
                     path=Path(path))
            for sec in SECTIONS:
                vf.symbols[sec] = {k: SymbolRecord(**v) for k, v in d.get("symbols", {}).get(sec, {}).items()}
        except VersionFileError:
            raise
        except (ValueError, KeyError, TypeError) as e:
            raise VersionFileError(f"{path}: corrupt version file ({e})") from e
        if program and vf.program and program != vf.program:
            raise VersionFileError(f"{path}: the version file is for program {vf.program!r}, not {program!r}")
        if len(vf.patches) != vf.version:
            raise VersionFileError(f"{path}: version {vf.version} but {len(vf.patches)} patches recorded")
        return vf

    def lookup(self, section: str, key: str) -> Optional[SymbolRecord]:
        rec = self.symbols[section].get(key)
        if rec is None and "@" in key:
            # a static of a single-file program is keyed by that file's name, which
            # changes from version to version (v1.c, v2.c): one static of that name is it
            name = key.split("@", 1)[0]
            same = [r for k, r in self.symbols[section].items() if k.split("@", 1)[0] == name and "@" in k]
            if len(same) == 1:
                rec = same[0]
        return rec

    def seed(self, prog) -> None:
        """Record every symbol of the program that was started (version 0)."""
        for key, fn in prog.functions.items():
            self.symbols["functions"].setdefault(vf_key(fn), SymbolRecord(0, fn.name, file=fn.file if fn.static else None))
        for key, g in prog.globals.items():
            if not g.extern_only:
                self.symbols["globals"].setdefault(vf_key(g), SymbolRecord(0, g.name, file=g.file if g.static else None))
        for key, t in prog.types.items():
            if not t.system:
                self.symbols["types"].setdefault(key, SymbolRecord(0, key if t.kind != "typedef" else t.name))

    @property
    def last_patch(self) -> Optional[str]:
        return self.patches[-1]["name"] if self.patches else None

    # ------------------------------------------------------------ writing
    def to_json(self) -> str:
        d = {
            "format": FORMAT,
            "program": self.program,
            "version": self.version,
            "symbols": {sec: {k: _record_json(r) for k, r in sorted(self.symbols[sec].items())} for sec in SECTIONS},
            "patches": self.patches,
        }
        return json.dumps(d, indent=2) + "\n"

    def save(self, path: Optional[Path] = None) -> Path:
        """Write atomically (a temporary file renamed over the old one)."""
        from polusgen.outputs import write_text

        path = write_text(Path(path or self.path), self.to_json())
        self.path = path
        return path

    def record_patch(self, plan, c_path: Path, so_path: Path) -> None:
        """Advance to plan.to_version with everything the patch defines."""
        if plan.from_version != self.version:
            raise VersionFileError(f"patch {plan.name} goes from v{plan.from_version}, "
                                   f"but the version file is at v{self.version}")
        so = str(so_path)
        if self.version == 0:
            self.seed(plan.cs.old)
        replaced: dict[str, dict] = {}
        for section, recs in plan.version_records.items():
            for key, rec in recs.items():
                was = self.symbols[section].get(key)
                replaced.setdefault(section, {})[key] = _record_json(was) if was is not None else None
                if rec is None:
                    self.symbols[section][key] = SymbolRecord(plan.to_version, key.split("@")[0], deleted=True)
                else:
                    name, lives_in_patch = rec
                    self.symbols[section][key] = SymbolRecord(
                        plan.to_version, name, lib=plan.name if lives_in_patch else None,
                        so=so if lives_in_patch else None)
        self.patches.append({"name": plan.name, "from": plan.from_version, "to": plan.to_version,
                             "c": str(c_path), "so": so, "replaced": replaced})
        self.version = plan.to_version
        self.program = self.program or plan.program

    def reopen_step(self, c_path: Path) -> bool:
        """Make writing the patch `c_path` again repeatable: if it is the last
        step recorded, forget that step (its symbols go back to what they
        were), so the step is redone with the same version number.  False if
        no step wrote `c_path`; an error if an earlier step did."""
        target = Path(c_path).resolve()
        where = [i for i, rec in enumerate(self.patches) if Path(rec.get("c", "")).resolve() == target]
        if not where:
            return False
        last = self.patches[-1]
        if where != [len(self.patches) - 1] or "replaced" not in last:
            raise VersionFileError(
                f"{self.path} already records {c_path} as patch {self.patches[where[0]]['name']}, and it is not "
                f"the last step: give this step a new output name, or start a new version file for a freshly "
                "started process")
        for section, recs in last["replaced"].items():
            for key, rec in recs.items():
                if rec is None:
                    self.symbols[section].pop(key, None)
                else:
                    self.symbols[section][key] = SymbolRecord(**rec)
        self.patches.pop()
        self.version = last["from"]
        return True


def _record_json(r: SymbolRecord) -> dict:
    return {k: v for k, v in vars(r).items() if v is not None and v is not False}
