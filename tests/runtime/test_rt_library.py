"""runtime_library(): built once per source tree, cached by hash, clear errors."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from polusgen.errors import BuildError
from polusgen.inject import runtime_lib
from polusgen.resources import runtime_dir
from tests.support.build import exported


@pytest.fixture
def tree(tmp_path, monkeypatch):
    src = tmp_path / "runtime"
    shutil.copytree(runtime_dir(), src, ignore=shutil.ignore_patterns("*.so"))
    monkeypatch.setattr(runtime_lib, "runtime_dir", lambda: src)
    monkeypatch.setenv("POLUS_CACHE_DIR", str(tmp_path / "cache"))
    return src


def test_builds_into_the_cache_and_reuses_it(tree, tmp_path):
    lib = runtime_lib.runtime_library()
    assert lib.is_file() and lib.name == "libpolus_rt.so"
    assert tmp_path / "cache" in lib.parents
    mtime = lib.stat().st_mtime_ns
    assert runtime_lib.runtime_library() == lib
    assert lib.stat().st_mtime_ns == mtime
    # only the ABI is exported: internals are hidden
    names = exported(lib)
    assert all(n.startswith("polus_") for n in names - {"_init", "_fini"}), names


def test_an_edited_source_builds_a_new_library(tree):
    first = runtime_lib.runtime_library()
    with open(tree / "rt_mem.c", "a") as f:
        f.write("\n/* edited */\n")
    second = runtime_lib.runtime_library()
    assert second != first and second.is_file() and first.is_file()


def test_a_broken_source_is_a_build_error_with_gccs_message(tree):
    (tree / "rt_broken.c").write_text("int this is not C;\n")
    with pytest.raises(BuildError) as e:
        runtime_lib.runtime_library()
    assert "rt_broken.c" in str(e.value)


def test_the_makefile_builds_the_same_library(tree):
    r = subprocess.run(["make", "-C", str(tree)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tree / "libpolus_rt.so").is_file()
    assert "warning" not in r.stderr
