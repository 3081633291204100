"""Every case under tests/cases/<name>/ (v0.c/v1.c or v0/ v1/ trees, and
expected.json) is loaded with the frontend, diffed, and checked against its
expected change set.

expected.json:
  "functions" | "types" | "globals": {status: [keys]}  added/deleted/changed are
        exact (a status not listed must be empty); "unchanged" lists keys that
        must be unchanged (a subset);
  "reasons":  {"kind:key": [substrings each found in one of its reasons]};
  "flags":    {"kind:key": {"signature_changed"|"initializer_only": bool}};
  "promoted": [caller keys] (exact);  "never_left": [keys] (exact);
  "f2d":      {function: [globals]} (exact);
  "warnings": [{"code", "contains": [substrings], "file"?, "line"?}] (exact count);
  "error":    {"contains": [substrings of the message]}: loading must fail (fail_* cases);
  "include", "define": options for the frontend;
  "binary":   {"build": ["gcc", "-O2", ...]}: v0 is built with that command and
              the change set is computed against the binary (inlining);
  "live":     how the program answers before, after the patch and rolled back
              (tests/e2e/test_cases_live.py really updates it).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from polusgen.errors import PolusError
from polusgen.model import Kind, Status
from polusgen.pipeline import load_changeset
from tests.support.cases import CONSTRUCTOR, Case, cases

KINDS = {"functions": Kind.FUNCTION, "types": Kind.TYPE, "globals": Kind.GLOBAL}


def load_case(case: Case, expected: dict, tmp_path: Path):
    old, new = case.pair()
    binary = None
    if "binary" in expected:
        binary = tmp_path / "v0.bin"
        subprocess.run([*expected["binary"]["build"], "-o", str(binary), *map(str, case.sources(0))], check=True)
    return load_changeset(old, new, include=expected.get("include", []), define=expected.get("define", []),
                          binary=binary, use_cache=False)


def check_changeset(cs, expected: dict) -> None:
    for label, kind in KINDS.items():
        exp = expected.get(label, {})
        for status in (Status.ADDED, Status.DELETED, Status.CHANGED):
            got = sorted(c.key for c in cs.with_status(kind, status))
            assert got == sorted(exp.get(status.value, [])), f"{label} {status.value}"
        for key in exp.get("unchanged", []):
            assert key in cs.section(kind), f"{label}: no entity {key}"
            assert cs.section(kind)[key].status is Status.UNCHANGED, f"{label} {key}: {cs.section(kind)[key].reasons}"
    for ref, subs in expected.get("reasons", {}).items():
        kind, key = ref.split(":", 1)
        reasons = cs.section(Kind(kind))[key].reasons
        for sub in subs:
            assert any(sub in r for r in reasons), f"{ref}: {sub!r} not in {reasons}"
    for ref, flags in expected.get("flags", {}).items():
        kind, key = ref.split(":", 1)
        ch = cs.section(Kind(kind))[key]
        for flag, value in flags.items():
            assert getattr(ch, flag) is value, f"{ref}.{flag}"
    if "promoted" in expected:
        assert sorted(cs.promoted) == sorted(expected["promoted"])
    if "never_left" in expected:
        assert sorted(cs.never_left) == sorted(expected["never_left"])
    if "f2d" in expected:
        assert {k: sorted(v) for k, v in cs.f2d.items()} == expected["f2d"]
    exp_w = expected.get("warnings", [])
    assert len(cs.warnings) == len(exp_w), [str(w) for w in cs.warnings]
    for ew in exp_w:
        matches = [w for w in cs.warnings if w.code == ew["code"] and all(s in w.message for s in ew["contains"])
                   and ("file" not in ew or (w.coord and w.coord.file == ew["file"]))
                   and ("line" not in ew or (w.coord and w.coord.line == ew["line"]))]
        assert matches, f"no warning like {ew} in {[str(w) for w in cs.warnings]}"


@pytest.mark.parametrize("case", cases(CONSTRUCTOR), ids=lambda c: c.name)
def test_case(case: Case, tmp_path: Path):
    expected = case.expected
    if "error" in expected:
        with pytest.raises(PolusError) as info:
            load_case(case, expected, tmp_path)
        for sub in expected["error"]["contains"]:
            assert sub in str(info.value)
        return
    check_changeset(load_case(case, expected, tmp_path), expected)


def test_every_case_directory_has_an_expectation():
    for c in cases(CONSTRUCTOR):
        assert (c / "expected.json").is_file(), c.name
