"""The patch ABI has one source of truth, runtime/polus.h.

These tests fail when the reference patch, the header and the runtime drift
apart: every polus_* name a patch calls must be declared in the header, and
the runtime library must export every function the header declares.
"""
from __future__ import annotations

import subprocess

from polusgen.elf import read_manifest
from polusgen.inject.runtime_lib import runtime_library
from polusgen.resources import runtime_dir
from tests.support.abi import called_polus_functions, header_functions
from tests.support.build import REPO, exported

EXAMPLE = REPO / "docs" / "patch-example.polus.c"

def test_header_declares_the_registration_abi():
    declared = header_functions()
    for name in ("polus_begin_patch", "polus_register_old_function", "polus_register_new_function",
                 "polus_map_function", "polus_register_data", "polus_map_f2d",
                 "polus_set_callbacks", "polus_end_patch", "polus_rt_activate", "polus_rt_progress"):
        assert name in declared, name


def test_reference_patch_calls_only_declared_functions():
    calls = called_polus_functions(EXAMPLE.read_text())
    assert calls, "the reference patch calls the runtime"
    assert calls <= header_functions(), calls - header_functions()


def test_reference_patch_compiles_and_carries_its_manifest(tmp_path):
    so = tmp_path / "example.so"
    subprocess.run(["gcc", "-O2", "-Wall", "-Werror", "-fPIC", "-shared", f"-I{runtime_dir()}",
                    str(EXAMPLE), "-o", str(so)], check=True)
    m = read_manifest(so)
    assert m.name == "fig2-v1" and m.to_version == 1
    # imports used by register_patch exist, redirects point inside the lists
    for r in m.redirects:
        assert 0 <= r.old < len(m.old_functions) and 0 <= r.new < len(m.new_functions)
    names = exported(so)
    assert {"register_patch", "polus_imports"} <= names
    assert {f.symbol for f in m.new_functions} <= names
    assert {d.new_symbol for d in m.data} <= names


def test_runtime_exports_every_declared_function():
    lib = runtime_library()
    names = exported(lib)
    missing = header_functions() - names
    assert not missing, f"runtime does not implement: {sorted(missing)}"
    assert "polus_rt_scratch" in names
