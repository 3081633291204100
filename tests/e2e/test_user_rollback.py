"""The user's rollback callback (user_polus_rollback, templates/USER_CODE.md).

tests/e2e/cases/rollback_hook makes its banner once, at start-up: user code
points it at the new text when the update is done (user_polus_post_update)
and back when it is rolled back (user_polus_rollback, which the runtime calls
at the start of the rollback, every thread stopped).  Without it, the old
code would go on printing the new version's banner after a rollback."""
from __future__ import annotations

import pytest

from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "rollback_hook")


def test_user_code_undoes_its_update_at_a_rollback(tmp_path, targets):
    exe = build_c(CASE.sources(0), tmp_path / "banner")
    c, user = tmp_path / "p.polus.c", CASE / "user.c"
    polusgen("diff", CASE / "v0.c", CASE / "v1.c", "-o", c, "--binary", exe, "--user-code", user)
    polusgen("build", c, "--user-code", user)
    t = targets.start([exe])
    assert t.ask() == "prog 1.0"
    a = polusgen("apply", t.pid, tmp_path / "p.so")
    assert "update terminated" in a.stdout, a.stdout
    assert t.ask() == "prog 1.1!"
    polusgen("rollback", t.pid)
    assert t.ask() == "prog 1.0"
    assert t.ask() == "prog 1.0"
