"""The generated code, run: sync functions (nested structs, arrays, enums),
heap tracing of a linked list, stubs, user code precedence.  A C harness holds
the old globals and calls what the patch registered with a recording fake of
the runtime (tests/emit/fake_rt.c)."""
from __future__ import annotations

import pytest

from polusgen.build import build_patch

from tests.support.build import has_symbol
from tests.support.cases import CONSTRUCTOR, EMIT, FIG2, case

from .conftest import emit, run_harness


def _emit(tmp_path, name, **kw):
    out = tmp_path / f"{name}.polus.c"
    plan, text = emit(*case(EMIT, name).pair(), out, program=name, **kw)
    return plan, out, text


def test_sync_functions_round_trip_every_common_member(tmp_path):
    plan, out, text = _emit(tmp_path, "sync")
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "sync" / "harness.c").strip() == "ok"
    # member by member, recursively: the nested struct has a converter of its own
    assert "polus_o2n_struct_point(struct point_v1 *dst, const struct point *src)" in text
    assert "polus_n2o_struct_shape(struct shape *dst, const struct shape_v1 *src)" in text


def test_heap_list_is_traced_and_kept_in_sync(tmp_path):
    plan, out, text = _emit(tmp_path, "heap")
    assert plan.heap_types == ("struct node",)
    assert [d.key for d in plan.data if d.heap] == ["head"]
    assert "polus_register_heap(" in text and "polus_counterpart(" in text
    # a simple list (one global, one `next`) is not an alias hazard
    assert not [w for w in plan.warnings if w.code == "alias"]
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "heap" / "harness.c").strip() == "ok"


def test_aliased_heap_type_warns_with_place_and_hook(tmp_path):
    src = (EMIT / "heap" / "v0.c").read_text().replace("struct node *head;", "struct node *head;\nstruct node *tail;")
    dst = (EMIT / "heap" / "v1.c").read_text().replace("struct node *head;", "struct node *head;\nstruct node *tail;")
    (tmp_path / "v0.c").write_text(src)
    (tmp_path / "v1.c").write_text(dst)
    plan, text = emit(tmp_path / "v0.c", tmp_path / "v1.c", tmp_path / "p.polus.c", program="heap")
    alias = [w for w in plan.warnings if w.code == "alias"]
    assert len(alias) == 1 and "head" in alias[0].message and "tail" in alias[0].message
    assert alias[0].coord is not None and alias[0].coord.line == 4
    assert "user_polus_heap_struct_node" in alias[0].message and "user_polus_heap_struct_node();" in text


def test_stub_redirects_old_function_and_converts_arguments(tmp_path):
    plan, out, text = _emit(tmp_path, "stub")
    m = plan.manifest
    stubs = {n.name: n for n in m.new_functions if n.stub}
    assert set(stubs) == {"handle", "process", "pick", "say"}
    # old text, new printf-like function: the text is passed as an argument of "%s"
    assert 'say_v1(code, "%s", text);' in text
    assert stubs["handle"].symbol == "handle_stub_v1"
    for key in ("handle", "process"):
        olds = [i for i, o in enumerate(m.old_functions) if o.name == key]
        news = [j for j, n in enumerate(m.new_functions) if n.name == key and n.stub]
        assert [(r.old, r.new) for r in m.redirects if r.old in olds] == [(olds[0], news[0])]
    # the added new versions are registered but nothing is redirected to them directly
    plain = [j for j, n in enumerate(m.new_functions) if n.name == "handle" and not n.stub]
    assert plain and not [r for r in m.redirects if r.new in plain]
    assert any(w.code == "stub" and "flags" in w.message for w in plan.warnings)
    assert run_harness(tmp_path, out, m, EMIT / "stub" / "harness.c").strip() == "ok"


def test_user_stub_takes_precedence(tmp_path):
    plan, out, text = _emit(tmp_path, "stub", user_code=EMIT / "user" / "stub_user.c")
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "stub" / "harness.c",
                       extra_flags=["-DUSER_STUB"]).strip() == "ok"


def _fig2(tmp_path, **kw):
    old, new = FIG2.pair()
    out = tmp_path / "fig2.polus.c"
    plan, text = emit(old, new, out, program="fig2", **kw)
    return plan, out, text


def test_generated_fig2_sync_without_user_code(tmp_path):
    plan, out, text = _fig2(tmp_path)
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "user" / "fig2_harness.c").strip() == "ok"


def test_user_code_given_to_diff_takes_precedence(tmp_path):
    user = EMIT / "user" / "fig2_user.c"
    plan, out, text = _fig2(tmp_path, user_code=user)
    assert f'#define POLUS_USER_CODE "{user.resolve()}"' in text
    assert "#define POLUS_HAVE_USER_o2n_struct_A 1" in text
    assert "#define POLUS_HAVE_USER_pre_update 1" in text
    # generated code stays for everything the user did not write
    assert "POLUS_GEN void polus_n2o_struct_A(" in text and "POLUS_GEN void polus_o2n_struct_AB(" in text
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "user" / "fig2_harness.c",
                       extra_flags=["-DWITH_USER"]).strip() == "ok"
    # and the library builds with it
    assert build_patch(out, tmp_path / "fig2.so").is_file()


def test_user_code_given_at_build_time_takes_precedence(tmp_path):
    from polusgen.plan.usercode import user_flags

    plan, out, text = _fig2(tmp_path)
    user = EMIT / "user" / "fig2_user.c"
    assert build_patch(out, tmp_path / "fig2.so", user_code=user).is_file()
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "user" / "fig2_harness.c",
                       extra_flags=["-DWITH_USER", *user_flags(user)]).strip() == "ok"


def test_heap_patch_in_the_real_runtime(tmp_path):
    """The generated tracing and node sync functions inside runtime/'s
    write-through: writes to either list reach the other."""
    import subprocess

    from polusgen.inject.runtime_lib import runtime_library
    from polusgen.resources import runtime_dir

    from .conftest import imports_glue

    rt = runtime_library()
    plan, out, text = _emit(tmp_path, "heap")
    so = build_patch(out, tmp_path / "heap.so")
    glue = tmp_path / "glue.c"
    glue.write_text(imports_glue(plan.manifest, dlopen=True))
    exe = tmp_path / "rt_harness"
    r = subprocess.run(["gcc", "-O1", "-Wall", "-Werror", "-rdynamic", f"-I{runtime_dir()}",
                        str(EMIT / "heap" / "rt_harness.c"), str(glue), "-o", str(exe), "-ldl"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe), str(rt), str(so)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr


def test_inlined_static_helper_is_copied_not_imported(tmp_path):
    import subprocess

    exe = tmp_path / "prog"
    subprocess.run(["gcc", "-O2", str(EMIT / "inline_copy" / "v0.c"), "-o", str(exe)], check=True)
    if has_symbol(exe, "scale"):
        pytest.skip("this gcc kept a symbol for scale")
    old, new = case(EMIT, "inline_copy").pair()
    from .conftest import changeset

    from polusgen.emit import write_patch

    cs = changeset(old, new)
    out = tmp_path / "p.polus.c"
    plan = write_patch(cs, out, binary=exe, program="inline_copy")
    text = out.read_text()
    assert "scale" not in {i.name for i in plan.manifest.imports}
    assert "static int scale_copy_v1(int x)" in text and "scale_copy_v1(v) - 3" in text
    assert any(w.code == "inlined-copy" for w in plan.warnings)
    assert plan.manifest.binary.build_id or plan.manifest.binary.sha256
    # without the binary nothing is known: the helper is imported as usual
    plan2 = write_patch(cs, tmp_path / "q.polus.c", program="inline_copy")
    assert "scale" in {i.name for i in plan2.manifest.imports}
    assert build_patch(out, tmp_path / "p.so").is_file()


def test_pointers_into_a_global_array_warn(tmp_path):
    src = (EMIT / "heap" / "v0.c").read_text() + "\nstruct node pool[4];\n"
    dst = (EMIT / "heap" / "v1.c").read_text() + "\nstruct node pool[4];\n"
    (tmp_path / "v0.c").write_text(src)
    (tmp_path / "v1.c").write_text(dst)
    plan, text = emit(tmp_path / "v0.c", tmp_path / "v1.c", tmp_path / "p.polus.c", program="heap")
    alias = [w for w in plan.warnings if w.code == "alias"]
    assert len(alias) == 1 and "pool" in alias[0].message and "user_polus_heap_struct_node" in alias[0].message
    assert "user_polus_heap_struct_node();" in text


def test_casts_to_a_changed_type_warn_with_place(tmp_path):
    extra = "\nint first_val(void *p)\n{\n    return ((struct node *)p)->val;\n}\n"
    (tmp_path / "v0.c").write_text((EMIT / "heap" / "v0.c").read_text() + extra)
    (tmp_path / "v1.c").write_text((EMIT / "heap" / "v1.c").read_text() + extra)
    plan, text = emit(tmp_path / "v0.c", tmp_path / "v1.c", tmp_path / "p.polus.c", program="heap")
    casts = [w for w in plan.warnings if w.code == "void-cast"]
    assert casts and all("first_val" in w.message and "struct node" in w.message for w in casts)
    line = (tmp_path / "v1.c").read_text().splitlines().index("    return ((struct node *)p)->val;") + 1
    assert {(w.coord.file, w.coord.line) for w in casts} >= {("v1.c", line)}


def test_never_written_table_keeps_its_new_initializer(tmp_path):
    """A table nobody writes that gained entries: the running value is its old
    initializer, so the new one wins and nothing is copied over it."""
    old, new = case(CONSTRUCTOR, "array_by_initializer").pair()
    plan, text = emit(old, new, tmp_path / "p.polus.c", program="tables")
    data = {d.key: d for d in plan.data}
    settings = next(k for k in data if k.startswith("settings"))
    assert data[settings].no_sync and data[settings].readonly
    assert f'polus_register_data(p, "{settings}"' in text
    reg = text[text.index(f'polus_register_data(p, "{settings}"'):]
    assert reg[:reg.index(";")].rstrip(")").endswith("NULL, NULL, POLUS_DATA_READONLY")
    assert f"polus_o2n_{data[settings].base}(" not in text
    assert any(w.code == "initializer-wins" and settings in w.message for w in plan.warnings)


def test_user_code_imports_the_old_symbols_it_names(tmp_path):
    """User code may name any symbol of the old program as POLUS_OLD_<name>,
    even one the new version deleted: it is imported for it."""
    plan, out, text = _emit(tmp_path, "deleted", user_code=EMIT / "deleted" / "user.c")
    assert ("hits", "data") in {(i.name, i.kind) for i in plan.manifest.imports}
    assert "#define POLUS_OLD_hits (*(long *)polus_imports[" in text
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "deleted" / "harness.c").strip() == "ok"
    # without user code, a deleted global is not imported
    plan2, out2, _ = _emit(tmp_path, "deleted")
    assert "hits" not in {i.name for i in plan2.manifest.imports}


def test_const_table_pointing_into_the_program_is_filled_at_registration(tmp_path):
    plan, out, text = _emit(tmp_path, "const_table")
    assert "polus_init_globals();" in text
    assert "POLUS_EXPORT const struct cmd cmds_v1" not in text   # writable: filled at registration
    assert build_patch(out, tmp_path / "t.so").is_file()
    assert run_harness(tmp_path, out, plan.manifest, EMIT / "const_table" / "harness.c").strip() == "ok"


def test_stub_for_a_call_inlined_into_a_never_left_function(tmp_path):
    import subprocess

    from polusgen.emit import write_patch

    from .conftest import changeset

    old, new = case(EMIT, "stub_inlined").pair()
    exe = tmp_path / "prog"
    subprocess.run(["gcc", "-O2", str(old), "-o", str(exe)], check=True)
    if has_symbol(exe, "start_session"):
        pytest.skip("this gcc kept a symbol for start_session")
    cs = changeset(old, new)
    plan = write_patch(cs, tmp_path / "p.polus.c", binary=exe, program="s")
    assert [(s.key, s.callers) for s in plan.stubs] == [("session_run", ("main",))]
    assert build_patch(tmp_path / "p.polus.c", tmp_path / "p.so").is_file()
    # without the binary, main does not call session_run itself: no stub
    assert write_patch(cs, tmp_path / "q.polus.c", program="s").stubs == ()
