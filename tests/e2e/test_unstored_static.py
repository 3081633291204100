"""A file-scope static that gcc -O2 kept no storage for (no symbol in the
binary), used by a changed function: the patch owns its own copy instead of
importing what does not exist, applies, and the new code runs."""
from __future__ import annotations


import pytest

from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from tests.support.build import build_c, has_symbol, needs_gcc, needs_ptrace
from tests.support.cases import CONSTRUCTOR, case
from tests.support.process import polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(CONSTRUCTOR, "unstored_static")


def test_a_static_without_storage_is_owned_by_the_patch(tmp_path, targets):
    exe = build_c([CASE.version(0)], tmp_path / "prog")
    assert not has_symbol(exe, "err") and not has_symbol(exe, "verbose")    # what the case is about
    patch = tmp_path / "p.polus.c"
    polusgen("diff", CASE.version(0), CASE.version(1), "--binary", exe, "-o", patch, "--no-cache")
    polusgen("build", patch)
    t = targets.start([exe])
    assert t.ask("5") == "value 5"
    apply_patch(t.pid, tmp_path / "p.so", wait=0.2)
    assert t.ask("5") == "value 5 (ok)"
    assert t.ask("-2") == "value -2 (bad)"
    rollback_patch(t.pid, wait=0.2)
    assert t.ask("7") == "value 7"
