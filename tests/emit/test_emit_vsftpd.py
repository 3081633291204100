"""The paper's case study: a patch for every consecutive vsftpd release pair
(and 2.0.0 -> 2.0.4), compiled against that release with no hand edits, and
the whole chain 2.0.0 -> ... -> 2.0.7 with one version file.

POLUS_VSFTPD_DIR names a folder of release folders (2.0.0, 2.0.1, ...);
nothing of vsftpd is in this repository.  Skipped when unset.  The release
folder is given as -iquote (build_patch's include_dirs): with -I its
features.h would replace glibc's <features.h>.  The pairs where a patch
cannot carry the running program's state by itself (polusgen.plan.safety) are
refused by build unless forced: they are compiled with force, and their
errors are the ones expected.
"""
from __future__ import annotations

import pytest

from polusgen.build import build_patch
from polusgen.elf import read_manifest
from tests.support.abi import called_polus_functions, header_functions
from tests.support.vsftpd import load_releases, needs_vsftpd, pairs, release_dir

pytestmark = needs_vsftpd
# struct vsf_session grows, and new code reaches the running session through the
# `void *p_private` of its signal and I/O handlers
ERRORS = {("2.0.4", "2.0.5"): ["struct vsf_session"], ("2.0.5", "2.0.6"): ["struct vsf_session"]}


@pytest.fixture(scope="module")
def programs():
    return load_releases()


def test_every_release_pair_compiles(programs, tmp_path):
    from polusgen.diff import compute_changeset
    from polusgen.emit import write_patch

    failures = {}
    for a, b in pairs(programs):
        c = tmp_path / f"vsftpd-{a}-{b}.polus.c"
        plan = write_patch(compute_changeset(programs[a], programs[b]), c, program="vsftpd")
        text = c.read_text()
        assert called_polus_functions(text) <= header_functions()
        assert [e.entity for e in plan.errors] == ERRORS.get((a, b), []), f"{a}->{b}"
        try:
            so = build_patch(c, include_dirs=[str(release_dir(b))], force=bool(plan.errors))
        except Exception as e:  # collect them all, then fail with the list
            failures[f"{a}->{b}"] = str(e)[:2000]
            continue
        m = read_manifest(so)
        assert m.name == plan.name and len(m.new_functions) == len(plan.new_functions)
    assert not failures, failures


def test_release_chain_with_one_version_file(programs, tmp_path):
    from polusgen.diff import compute_changeset
    from polusgen.emit import write_patch
    from polusgen.versionfile import VersionFile

    vf = tmp_path / "vsftpd.json"
    names = list(programs)
    for i, (a, b) in enumerate(zip(names, names[1:]), start=1):
        c = tmp_path / f"vsftpd-v{i}.polus.c"
        plan = write_patch(compute_changeset(programs[a], programs[b]), c, version_file=vf, program="vsftpd")
        assert plan.name == f"vsftpd-v{i}"
        build_patch(c, include_dirs=[str(release_dir(b))], force=bool(plan.errors))
        # every symbol this patch defines carries its number; its old side is where the file said
        for nf in plan.manifest.new_functions:
            assert nf.symbol.endswith(f"_v{i}")
        for imp in plan.manifest.imports:
            if imp.lib is not None:
                assert imp.lib in {f"vsftpd-v{k}" for k in range(1, i)}
    d = VersionFile.load(vf)
    assert d.version == len(names) - 1
