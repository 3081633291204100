"""The patch's prologue (-D options, feature macros, system includes) comes
from what the frontend recorded in the Programs, not from the program's files."""
from __future__ import annotations

from polusgen.diff import compute_changeset
from polusgen.plan import prologue as prologue_mod
from polusgen.emit import write_patch
from polusgen.plan.prologue import build_prologue
from polusgen.model import Program

from .conftest import compile_so


def _code_lines(text: str) -> list[str]:
    """The patch's lines after its header comment, blank lines and comments left out."""
    body = text.split(" */\n", 1)[1]
    return [l.split("   /*")[0] for l in body.splitlines() if l.strip() and not l.startswith("/*")]


def test_patch_prologue_is_the_programs_recorded_one(tmp_path):
    # the files on disk say something else: the emitter must not read them
    for v in ("v0", "v1"):
        (tmp_path / v).mkdir()
        (tmp_path / v / "a.c").write_text("#define _POSIX_C_SOURCE 1\n#include <string.h>\n")
    new = Program(root=str(tmp_path / "v1"), files=["a.c"],
                  system_includes={"a.c": ["stdio.h", "utmpx.h"]},
                  system_prologue={"a.c": ["#define _GNU_SOURCE", "#include <stdio.h>",
                                           "#define __USE_GNU", "#include <utmpx.h>"]})
    old = Program(root=str(tmp_path / "v0"), files=["a.c"], system_includes={"a.c": ["stdio.h"]},
                  system_prologue={"a.c": ["#include <stdio.h>"]})
    out = tmp_path / "p.polus.c"
    write_patch(compute_changeset(old, new), out, program="p")
    text = out.read_text()
    lines = _code_lines(text)
    # the program's own lines: compiled as its build compiles them (a #warning stays a warning)
    start = lines.index("POLUS_PROGRAM_CODE_BEGIN")
    assert lines[start:start + 11] == [
        "POLUS_PROGRAM_CODE_BEGIN",
        "#ifndef _GNU_SOURCE", "#define _GNU_SOURCE 1", "#endif",
        "#include <stdio.h>",
        "#ifndef __USE_GNU", "#define __USE_GNU 1", "#endif",
        "#include <utmpx.h>",
        "POLUS_PROGRAM_CODE_END",
        '#include "polus.h"',
    ]
    assert not any(l.startswith("#include") for l in lines[:start])
    assert "_POSIX_C_SOURCE" not in text and "string.h" not in text
    r = compile_so(out, tmp_path / "p.so")
    assert r.returncode == 0, r.stderr


def test_which_recorded_lines_the_patch_repeats():
    new = Program(root="v1", files=["a.c", "b.c"], cflags=["-DNDEBUG", "-D_FILE_OFFSET_BITS=32"], system_prologue={
        "a.c": ["#define __USE_MISC 1",            # before the first include: <features.h> resets it
                "#define _FILE_OFFSET_BITS 64",    # the -D option says otherwise, and wins
                "#define _XOPEN_SOURCE 700", "#undef _XOPEN_SOURCE",
                "#include <stdio.h>",
                "#define _GNU_SOURCE",             # after the first include: too late for <features.h>
                "#define __USE_GNU", "#include <utmpx.h>"],
        "b.c": ["#define _GNU_SOURCE", "#define _POSIX_C_SOURCE 200809L", "#include <string.h>",
                "#define __USE_GNU", "#include <utmpx.h>"],
    })
    # only the old version includes <pwd.h>: its headers count, its macros do not
    old = Program(root="v0", files=["a.c"], system_includes={"a.c": ["pwd.h"]},
                  system_prologue={"a.c": ["#define _DEFAULT_SOURCE", "#include <pwd.h>",
                                           "#define __USE_XOPEN2K8", "#include <grp.h>"]})
    defines, includes = build_prologue(new, old)
    assert defines == [{"name": "NDEBUG", "value": "1"}, {"name": "_FILE_OFFSET_BITS", "value": "32"},
                       {"name": "_GNU_SOURCE", "value": "1"}, {"name": "_POSIX_C_SOURCE", "value": "200809L"}]
    assert includes == [{"header": "stdio.h", "before": []}, {"header": "utmpx.h", "before": [("__USE_GNU", "1")]},
                        {"header": "string.h", "before": []}, {"header": "pwd.h", "before": []},
                        {"header": "grp.h", "before": []}]


def test_a_program_with_only_system_includes_recorded():
    new = Program(root="v1", files=["a.c"], system_includes={"a.c": ["stdlib.h", "polus.h"]})
    assert build_prologue(new, Program(root="v0")) == ([], [{"header": "stdlib.h", "before": []}])


def test_fake_header_missing_on_this_machine_is_left_out(monkeypatch):
    # <tcpd.h> is one of polusgen's fake headers; mylib.h is another library's
    monkeypatch.setattr(prologue_mod, "header_exists", lambda h: h != "tcpd.h")
    new = Program(root="v1", files=["a.c"], system_includes={"a.c": ["tcpd.h", "stdio.h", "mylib.h"]})
    _, includes = build_prologue(new, Program(root="v0"))
    assert [h["header"] for h in includes] == ["stdio.h", "mylib.h"]
