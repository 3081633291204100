"""`polusgen diff` from the command line: the table, -v, --json, and failures."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
from typer.testing import CliRunner

from polusgen.cli import app
from tests.support.cases import CONSTRUCTOR, FIG2, case
from tests.support.process import POLUSGEN, polusgen


def run(*args: str):
    return CliRunner().invoke(app, ["diff", *args, "--no-cache"])


def test_report_table_is_the_papers_table1():
    r = run(str(FIG2 / "v0"), str(FIG2 / "v1"), "--report")
    assert r.exit_code == 0, r.output
    cells = [[c for c in line.split() if c not in "│┃"] for line in r.output.splitlines()]
    rows = {c[0]: c[1:] for c in cells if c and c[0] in ("Functions", "Types", "Globals")}
    assert rows["Functions"] == ["+1", "-0", "~2"]
    assert rows["Types"] == ["+0", "-0", "~2"]
    assert rows["Globals"] == ["+0", "-0", "~1"]


def test_verbose_lists_entities_with_reasons():
    r = CliRunner().invoke(app, ["diff", str(FIG2 / "v0"), str(FIG2 / "v1"), "--report", "-v", "--no-cache"],
                           env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "contains changed type struct A" in r.output
    assert "uses changed global ab" in r.output
    assert "unchanged" not in r.output        # unchanged entities stay out of the list
    assert "never left: main, worker@main.c" in r.output


def test_a_report_into_a_file_is_not_wrapped_or_cut(tmp_path):
    name = "handle_the_request_of_a_client_whose_session_outlived_its_configuration_reload"
    for v, body in (("v0.c", "return 1;"), ("v1.c", "return 2;")):
        (tmp_path / v).write_text(f"int {name}(void) {{ {body} }}\nint main(void) {{ return {name}(); }}\n")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    with open(tmp_path / "report.txt", "w") as out:
        subprocess.run([*POLUSGEN, "diff", str(tmp_path / "v0.c"), str(tmp_path / "v1.c"), "--report", "-v",
                        "--no-cache"], stdout=out, check=True, env=env)
    text = (tmp_path / "report.txt").read_text()
    [line] = [ln for ln in text.splitlines() if name in ln]
    assert "body changed" in line and "…" not in text


def test_json_to_stdout_is_parseable_and_matches_the_counts(tmp_path):
    r = polusgen("diff", FIG2 / "v0", FIG2 / "v1", "--json", "-", "--no-cache")
    data = json.loads(r.stdout)
    assert data["counts"]["functions"] == {"added": 1, "deleted": 0, "changed": 2}
    assert data["functions"]["foo"]["signature_changed"] is True
    assert data["functions"]["foo"]["status"] == "added"
    assert data["d2f"] == {"ab": ["bar", "report"]}
    out = tmp_path / "cs.json"
    r2 = run(str(FIG2 / "v0"), str(FIG2 / "v1"), "--json", str(out))
    assert r2.exit_code == 0
    assert json.loads(out.read_text()) == data


@pytest.mark.parametrize("name,needle", [("fail_syntax", "v1.c:8"), ("fail_missing_header", "v0.c:2")])
def test_bad_input_exits_1_with_file_and_line(name, needle):
    old, new = case(CONSTRUCTOR, name).pair()
    r = polusgen("diff", old, new, "--no-cache", check=False)
    assert r.returncode == 1
    assert needle in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_version_is_an_error(tmp_path):
    r = run(str(tmp_path / "nope"), str(FIG2 / "v1"))
    assert r.exit_code == 1


def test_binary_option_promotes_inlining_callers(tmp_path):
    old, new = case(CONSTRUCTOR, "inlined_helper").pair()
    exe = tmp_path / "prog"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(old)], check=True)
    args = ["diff", str(old), str(new), "--json", "-", "--no-cache"]
    without = json.loads(polusgen(*args).stdout)
    with_bin = json.loads(polusgen(*args, "--binary", exe).stdout)
    assert without["functions"]["convert"]["status"] == "unchanged"
    assert with_bin["functions"]["convert"]["status"] == "changed"
    assert "convert" in with_bin["promoted"]
    assert with_bin["counts"]["functions"]["changed"] == without["counts"]["functions"]["changed"] + 2


def test_writing_a_patch_prints_every_finding(tmp_path):
    # the union warning comes from the emitter's synchronization code, the
    # version-consistency one from the change set: both reach the console, once each
    old, new = case(CONSTRUCTOR, "union_change").pair()
    r = CliRunner().invoke(app, ["diff", str(old), str(new), "-o", str(tmp_path / "p.polus.c"),
                                 "--no-cache"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if "warning[" in x]
    assert any("warning[union]: scratch: union value changed" in x for x in lines), r.output
    assert len(lines) == len(set(lines))
    old, new = case(CONSTRUCTOR, "fig4").pair()
    r = CliRunner().invoke(app, ["diff", str(old), str(new), "-o", str(tmp_path / "f.polus.c"),
                                 "--report", "--no-cache"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    consistency = [x for x in r.output.splitlines() if "warning[version-consistency]" in x]
    assert consistency and len(consistency) == len(set(consistency)), r.output


def test_isystem_folder_at_analysis_is_used_by_build(tmp_path):
    """A header found through -isystem at analysis is found at build time:
    the patch records the include options, `polusgen build` uses them."""
    (tmp_path / "stubs").mkdir()
    (tmp_path / "stubs" / "mylib.h").write_text(
        "#ifndef MYLIB_H\n#define MYLIB_H\ntypedef long mylib_t;\n#define MYLIB_TWICE(x) ((x) * 2)\n"
        "mylib_t mylib_scale(mylib_t v);\n#endif\n")
    for v, k in (("v0.c", 1), ("v1.c", 3)):
        (tmp_path / v).write_text("#include <mylib.h>\n"
                                  f"mylib_t step(mylib_t v) {{ return MYLIB_TWICE(mylib_scale(v)) + {k}; }}\n"
                                  "int main(void) { return (int)step(1); }\n")
    patch = tmp_path / "p.polus.c"
    polusgen("diff", tmp_path / "v0.c", tmp_path / "v1.c", "-isystem", "stubs", "-o", patch, "--no-cache")
    assert "#include <mylib.h>" in patch.read_text()
    polusgen("build", patch)
    assert (tmp_path / "p.so").is_file()
