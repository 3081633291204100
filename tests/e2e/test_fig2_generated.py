"""Fig. 2 end to end with a generated patch, through the command line:
`polusgen diff v0 v1 -o p.polus.c --binary exe`, `polusgen build`, then
`polusgen apply / status / rollback` on the running program."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.build import build_c, needs_gcc, needs_ptrace, REPO
from tests.support.cases import FIG2
from tests.support.process import moving_reports, polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


@pytest.fixture
def cache_env(tmp_path):
    return {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}


def generate(tmp: Path, exe: Path, env) -> Path:
    c = tmp / "p.polus.c"
    polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", c, "--binary", exe, env=env)
    so = Path(polusgen("build", c, env=env).stdout.strip().splitlines()[-1])
    assert so.is_file()
    return so


def runs(t, version, n=2):
    r = moving_reports(t, ("calls", "j") if version == "v1" else ("calls",), n)
    assert [x["version"] for x in r] == [version] * n, r
    assert all(x["i"] == x["calls"] for x in r), r          # no increment lost
    assert r[-1]["calls"] > r[0]["calls"], r
    if version == "v1":
        assert r[-1]["j"] > r[0]["j"], r
    return r


def test_generated_patch_through_the_cli(tmp_path, targets, pie, cache_env):
    exe = build_c(FIG2.sources(0), tmp_path / "fig2", pie=pie)
    so = generate(tmp_path, exe, cache_env)
    t = targets.start([exe])
    runs(t, "v0")
    out = polusgen("apply", t.pid, so, "--wait", "0.5", env=cache_env).stdout
    assert "applied" in out and "bar" in out and "report" in out
    after = runs(t, "v1", 3)
    st = polusgen("status", t.pid, env=cache_env).stdout
    assert "runs version 1" in st
    again = polusgen("apply", t.pid, so, env=cache_env, check=False)
    assert again.returncode == 3 and "already applied" in again.stdout       # nothing to do
    runs(t, "v1")
    out = polusgen("rollback", t.pid, "--wait", "0.5", env=cache_env).stdout
    assert "version 0" in out
    back = runs(t, "v0", 3)
    assert back[0]["i"] >= after[-1]["i"]
    assert '"version": 0' in polusgen("status", t.pid, "--json", env=cache_env).stdout


def test_generated_patch_refuses_another_binary(tmp_path, targets, cache_env):
    exe = build_c(FIG2.sources(0), tmp_path / "fig2", pie=True)
    other = build_c([FIG2 / "v0" / "main.c", FIG2 / "v0" / "ab.c"], tmp_path / "fig2-other", pie=True,
                    extra=["-DPOLUS_OTHER_BUILD=1", "-g"])
    so = generate(tmp_path, other, cache_env)
    t = targets.start([exe])
    r = polusgen("apply", t.pid, so, env=cache_env, check=False)
    assert r.returncode == 1 and "built for another binary" in r.stderr, r.stderr
    runs(t, "v0")


def test_typer_app_gives_the_same_result(tmp_path, targets, cache_env):
    """apply/rollback normally run without typer (polusgen.entry); through the
    typer app (as for -h and usage errors) they do the same."""
    exe = build_c(FIG2.sources(0), tmp_path / "fig2", pie=True)
    so = generate(tmp_path, exe, cache_env)
    t = targets.start([exe])
    through_typer = [sys.executable, "-c", "import sys; from polusgen.cli import main; sys.exit(main(sys.argv[1:]))"]
    r = subprocess.run([*through_typer, "apply", str(t.pid), str(so), "--wait", "0.2"],
                       cwd=REPO, capture_output=True, text=True, env=cache_env)
    assert r.returncode == 0 and f"to process {t.pid}" in r.stdout, r.stderr
    runs(t, "v1")
    r = subprocess.run([*through_typer, "rollback", str(t.pid)], cwd=REPO, capture_output=True, text=True,
                       env=cache_env)
    assert r.returncode == 0 and "rolled back process" in r.stdout, r.stderr
    runs(t, "v0")


def test_a_data_item_that_cannot_be_registered_refuses_the_patch(tmp_path, targets, cache_env):
    # the runtime cannot register the old copy of ab (here: its address is
    # missing): the patch must not activate without it, the program runs on as v0
    import re

    exe = build_c([FIG2 / "v0" / "ab.c", FIG2 / "v0" / "main.c"], tmp_path / "fig2", pie=True)
    c = tmp_path / "p.polus.c"
    polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", c, "--binary", exe, env=cache_env)
    text, n = re.subn(r'(polus_register_data\(p, "ab", )polus_imports\[\d+\]\.addr', r"\1(void *)0", c.read_text())
    assert n == 1
    c.write_text(text)
    so = Path(polusgen("build", c, env=cache_env).stdout.strip().splitlines()[-1])
    t = targets.start([exe])
    runs(t, "v0")
    r = polusgen("apply", t.pid, so, "--wait", "0.5", env=cache_env, check=False)
    assert r.returncode == 1 and "register_patch() of fig2-v1 failed" in r.stderr, r.stdout + r.stderr
    runs(t, "v0", 3)
    assert '"version": 0' in polusgen("status", t.pid, "--json", env=cache_env).stdout
