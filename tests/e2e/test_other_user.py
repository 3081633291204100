"""A target that runs as another user (a daemon that dropped root): it
cannot read the runtime and the patch where root keeps them, so they are
staged where it can."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from polusgen import elf
from tests.support.build import build_c, needs_gcc, REPO
from tests.support.cases import FIG2
from tests.support.process import parse_report, Target

pytestmark = [needs_gcc, pytest.mark.e2e,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a target as nobody")]
NOBODY = 65534


@pytest.fixture
def public_dir():
    d = Path(tempfile.mkdtemp(prefix="polus-other-user-"))
    os.chmod(d, 0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def as_nobody():
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def test_target_running_as_nobody_is_updated(tmp_path, public_dir):
    exe = build_c(FIG2.sources(0), public_dir / "fig2")
    os.chmod(exe, 0o755)
    src = (REPO / "docs" / "patch-example.polus.c").read_text().replace(
        r'\"build_id\": null', r'\"build_id\": \"%s\"' % elf.build_id(exe))
    (tmp_path / "p.polus.c").write_text(src)     # tmp_path is root's, mode 0700
    so = tmp_path / "p.so"
    subprocess.run(["gcc", "-O2", "-fPIC", "-shared", f"-I{REPO / 'runtime'}", "-o", str(so),
                    str(tmp_path / "p.polus.c")], check=True)
    t = Target.__new__(Target)
    t.proc = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                              preexec_fn=as_nobody, cwd="/")
    try:
        assert t.readline() == "ready"
        from polusgen.inject.apply import apply_patch
        apply_patch(t.pid, so, wait=0.2)
        time.sleep(0.05)
        r = parse_report(t.ask())
        assert r["version"] == "v1" and r["i"] == r["calls"]
    finally:
        t.stop()
