"""The one harness for every tree of test cases.

A case is a folder holding versions v0, v1, ... of one program, each either a
file vN.c or a folder vN/ (its *.c and headers), beside which it may keep an
expected.json and other files (a C harness, user code).  The trees:

    tests/cases/       constructor cases with expected.json (diff, emit, demo)
    tests/e2e/cases/   programs the end-to-end tests start and patch
    tests/emit/data/   emitter cases with their C harnesses
    corpus/<server>/   the corpus servers' releases
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .build import REPO

TESTS = REPO / "tests"
CONSTRUCTOR = TESTS / "cases"
E2E = TESTS / "e2e" / "cases"
EMIT = TESTS / "emit" / "data"
CORPUS = REPO / "corpus"

_VERSION = re.compile(r"v(\d+)(\.c)?")


@dataclass(frozen=True)
class Case:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def versions(self) -> list[str]:
        """The case's versions in order: ["v0", "v1", ...]."""
        found = {int(m.group(1)) for p in self.path.iterdir() if (m := _VERSION.fullmatch(p.name))}
        return [f"v{n}" for n in sorted(found)]

    def version(self, v: int | str) -> Path:
        """Version v (3 or "v3") as the frontend takes it: the folder vN/ or the file vN.c."""
        name = v if isinstance(v, str) else f"v{v}"
        for p in (self.path / name, self.path / f"{name}.c"):
            if p.exists():
                return p
        raise FileNotFoundError(f"{self.path}: no version {name}")

    def pair(self, a: int | str = 0, b: int | str = 1) -> tuple[Path, Path]:
        return self.version(a), self.version(b)

    def sources(self, v: int | str) -> list[Path]:
        """The .c files of version v, to give gcc."""
        p = self.version(v)
        return sorted(p.glob("*.c")) if p.is_dir() else [p]

    @cached_property
    def expected(self) -> dict:
        """expected.json, or {} when the case has none."""
        f = self.path / "expected.json"
        return json.loads(f.read_text()) if f.is_file() else {}


def case(root: Path, name: str) -> Case:
    c = Case(root / name)
    if not c.path.is_dir():
        raise FileNotFoundError(f"no case {c.path}")
    return c


def cases(root: Path = CONSTRUCTOR) -> list[Case]:
    """Every case of a tree, by name."""
    return [Case(p) for p in sorted(root.iterdir()) if p.is_dir()]


FIG2 = case(CONSTRUCTOR, "fig2")
