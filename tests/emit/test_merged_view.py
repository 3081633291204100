"""A struct two translation units read differently (a macro renames a member
in one of them) has the same layout: the patch holds one view of it, in
which both spellings of the member compile (the frontend keeps the other
TU's definition; the emitter does not read the sources again)."""
from __future__ import annotations

from .conftest import compile_so, emit

HEADER = "struct cfg {\n    int FIELD;\n    int n;\n};\n"


def version(k: int) -> dict[str, str]:
    return {
        "h.h": HEADER,
        "a.c": "#define FIELD size\n#include \"h.h\"\nstruct cfg ca;\n"
               f"int get_a(void) {{ return ca.size * {k} + ca.n; }}\n",
        "b.c": "#include \"h.h\"\n"
               f"int get_b(struct cfg *c) {{ return c->FIELD * {k}; }}\n"
               "int main(void) { return 0; }\n",
    }


def test_both_spellings_of_a_member_compile(tmp_path):
    for v, k in (("v0", 1), ("v1", 2)):
        (tmp_path / v).mkdir()
        for name, text in version(k).items():
            (tmp_path / v / name).write_text(text)
    out = tmp_path / "p.polus.c"
    plan, text = emit(tmp_path / "v0", tmp_path / "v1", out, program="cfg")
    assert {"get_a", "get_b"} <= set(plan.emitted_functions)
    assert "union" in text
    r = compile_so(out, tmp_path / "p.so")
    assert r.returncode == 0, r.stderr
