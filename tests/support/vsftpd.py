"""vsftpd release trees, when they are on this machine: POLUS_VSFTPD_DIR names
a folder of release folders (2.0.0, 2.0.1, ...); nothing of vsftpd is in this
repository, and the tests that need it are skipped when it is unset."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

VSFTPD_DIR = os.environ.get("POLUS_VSFTPD_DIR")
RELEASES = [f"2.0.{i}" for i in range(8)]
needs_vsftpd = [pytest.mark.vsftpd, pytest.mark.skipif(not VSFTPD_DIR, reason="POLUS_VSFTPD_DIR is not set")]


def release_dir(release: str) -> Path:
    return Path(VSFTPD_DIR) / release


def load_releases() -> dict:
    """{release: Program} of every release present (the test is skipped below two)."""
    from polusgen.frontend import load_program

    present = [r for r in RELEASES if release_dir(r).is_dir()]
    if len(present) < 2:
        pytest.skip(f"fewer than two vsftpd releases under {VSFTPD_DIR}")
    return {r: load_program(release_dir(r)) for r in present}


def pairs(progs) -> list[tuple[str, str]]:
    """Consecutive releases, and the paper's 2.0.0 -> 2.0.4."""
    names = list(progs)
    out = list(zip(names, names[1:]))
    if "2.0.0" in progs and "2.0.4" in progs:
        out.append(("2.0.0", "2.0.4"))
    return out
