"""polusgen writes its patches, libraries and version files only where a
regular file is or nothing is: `-o /dev/null` run as root once replaced the
machine's /dev/null with a regular file.  A FIFO stands in for the device."""
from __future__ import annotations

import os
import stat

from tests.support.cases import REPO
from tests.support.process import polusgen

FIG2 = REPO / "tests" / "cases" / "fig2"
WIDE = {**os.environ, "COLUMNS": "500"}    # one message a line


def test_outputs_that_are_not_regular_files_are_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", fifo, env=WIDE, check=False)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    r = polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", tmp_path / "p.polus.c", "--version-file", fifo, env=WIDE,
                 check=False)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    polusgen("diff", FIG2 / "v0", FIG2 / "v1", "-o", tmp_path / "p.polus.c")
    r = polusgen("build", tmp_path / "p.polus.c", "-o", fifo, env=WIDE, check=False)
    assert r.returncode == 1 and f"{fifo}: not a regular file" in r.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "p.polus.c"]   # no temporary left
