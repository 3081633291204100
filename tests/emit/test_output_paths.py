"""polusgen writes its patches, libraries and version files only where a
regular file is or nothing is: `-o /dev/null` run as root once replaced the
machine's /dev/null with a regular file.  A FIFO stands in for the device."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

from tests.support.cases import REPO

FIG2 = REPO / "tests" / "cases" / "fig2"


def polusgen(*args):
    return subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "500"})


def test_outputs_that_are_not_regular_files_are_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", fifo)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    r = polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", tmp_path / "p.polus.c", "--version-file", fifo)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    assert polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", tmp_path / "p.polus.c").returncode == 0
    r = polusgen("build", tmp_path / "p.polus.c", "-o", fifo)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "p.polus.c"]   # no temporary left
