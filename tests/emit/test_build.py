"""build_patch and the Makefile rule."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from polusgen.build import build_patch
from polusgen.errors import BuildError

from tests.support.build import REPO
from tests.support.cases import CONSTRUCTOR, FIG2, case

from .conftest import emit


@pytest.fixture
def fig2_patch(tmp_path):
    old, new = FIG2.pair()
    out = tmp_path / "fig2-v1.polus.c"
    emit(old, new, out, program="fig2")
    return out


def test_build_writes_library_and_manifest_beside_it(fig2_patch):
    so = build_patch(fig2_patch)
    assert so == fig2_patch.with_name("fig2-v1.so") and so.is_file()
    m = json.loads((so.parent / "fig2-v1.so.json").read_text())
    assert m["name"] == "fig2-v1" and m["program"] == "fig2"


def test_build_error_carries_gcc_first_errors(tmp_path, fig2_patch):
    bad = tmp_path / "bad.polus.c"
    bad.write_text(fig2_patch.read_text().replace("a->j++;", "a->k++;"))
    with pytest.raises(BuildError) as e:
        build_patch(bad, tmp_path / "bad.so")
    assert "has no member named" in str(e.value) and "bad.polus.c" in str(e.value)
    assert not (tmp_path / "bad.so").exists()


def test_makefile_rule_builds_the_same_patch(tmp_path, fig2_patch):
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    r = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), str(fig2_patch.with_name("fig2-v1.so"))],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert fig2_patch.with_name("fig2-v1.so").is_file()


def test_program_code_warnings_stay_warnings_generated_code_stays_strict(tmp_path):
    """gcc -Wall findings in the program's own code (an unused local) do not
    fail the build; the same finding in generated code would."""

    from .conftest import compile_so

    (tmp_path / "v0.c").write_text("int total;\nint add(int x)\n{\n    return total += x;\n}\n")
    (tmp_path / "v1.c").write_text("int total;\nint add(int x)\n{\n    int unused;\n    return total += 2 * x;\n}\n")
    plan, text = emit(tmp_path / "v0.c", tmp_path / "v1.c", tmp_path / "p.polus.c", program="warn")
    r = compile_so(tmp_path / "p.polus.c", tmp_path / "p.so")
    assert r.returncode == 0, r.stderr
    assert "-Wunused-variable" in r.stderr
    strict = text.replace("POLUS_PROGRAM_CODE_BEGIN\n", "")
    (tmp_path / "strict.polus.c").write_text(strict)
    r = compile_so(tmp_path / "strict.polus.c", tmp_path / "strict.so")
    assert r.returncode != 0 and "unused" in r.stderr


def test_a_number_copied_into_a_system_type_that_is_no_number_is_refused_by_the_build(tmp_path):
    """`long last` -> `time_t last` is copied as a number because the fake
    headers say time_t is one; the patch's build checks that against the real
    header.  Where time_t is a struct, the build stops and says what to do."""
    out = tmp_path / "p.polus.c"
    emit(*case(CONSTRUCTOR, "system_typedef_number").pair(), out, program="clock")
    assert "dst->last = src->last;" in out.read_text()
    build_patch(out, tmp_path / "p.so")                         # the real time_t is a number
    lying = tmp_path / "lying.polus.c"
    lying.write_text("#include <time.h>\n#define time_t struct timespec\n" + out.read_text())
    with pytest.raises(BuildError) as e:
        build_patch(lying, tmp_path / "lying.so")
    assert "struct clock.last is copied as a number" in str(e.value) and "user_polus_" in str(e.value)
    assert not (tmp_path / "lying.so").exists()
