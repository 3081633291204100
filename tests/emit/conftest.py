"""Helpers for the emitter tests: emit a case, build it, run a C harness
against the generated code with tests/emit/fake_rt.c standing in for the
runtime."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pytest

from polusgen.resources import runtime_dir

HERE = Path(__file__).resolve().parent
GCC_PATCH = ["gcc", "-O2", "-Wall", "-Werror", "-fPIC", "-shared"]


def changeset(old: Path, new: Path, include=(), define=()):
    from polusgen.pipeline import load_changeset

    return load_changeset(old, new, include=include, define=define, use_cache=False)


def emit(old: Path, new: Path, out: Path, **kw):
    from polusgen.emit import write_patch

    include = kw.pop("include", ())
    cs = changeset(old, new, include=include)
    plan = write_patch(cs, out, **kw)
    return plan, out.read_text()


def compile_so(c_path: Path, so: Path, extra=()) -> subprocess.CompletedProcess:
    return subprocess.run(GCC_PATCH + [f"-I{runtime_dir()}", *extra, str(c_path), "-o", str(so)],
                          capture_output=True, text=True)


def imports_glue(manifest, data_symbols: Optional[dict] = None, dlopen: bool = False) -> str:
    """C that fills polus_imports[] the way the injector would: data imports
    point at the harness's `old_<name>` objects, functions at a dummy.  With
    dlopen, `fill_imports_at(imports)` fills the table of a loaded patch."""
    data_symbols = data_symbols or {}
    lines = ['#include "polus.h"', "static void polus_dummy_fn(void) {}"]
    if not dlopen:
        lines.insert(1, "extern struct polus_import polus_imports[];")
    decls, body = [], []
    for i, imp in enumerate(manifest.imports):
        if imp.kind == "data":
            sym = data_symbols.get(imp.name, f"old_{imp.name}")
            decls.append(f"extern char {sym}[];")
            body.append(f"    polus_imports[{i}].addr = (void *){sym};")
            body.append(f"    polus_imports[{i}].size = 0;")
        else:
            body.append(f"    polus_imports[{i}].addr = (void *)polus_dummy_fn;")
            body.append(f"    polus_imports[{i}].size = 64;")
    head = ["void fill_imports_at(struct polus_import *polus_imports)" if dlopen else "void fill_imports(void)"]
    return "\n".join(lines + decls + head + ["{"] + body + ["}", ""])


def run_harness(tmp: Path, patch_c: Path, manifest, harness_c: Path, extra_flags=(), data_symbols=None) -> str:
    glue = tmp / "glue.c"
    glue.write_text(imports_glue(manifest, data_symbols))
    exe = tmp / "harness"
    cmd = ["gcc", "-O1", "-Wall", "-Werror", "-fno-strict-aliasing", f"-I{runtime_dir()}", f"-I{HERE}",
           *extra_flags, str(patch_c), str(HERE / "fake_rt.c"), str(glue), str(harness_c), "-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.fixture
def work(tmp_path):
    return tmp_path
