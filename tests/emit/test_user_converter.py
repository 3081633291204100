"""A user converter replaces the generated one (tests/cases/flexible_array:
a changed struct ending in a flexible array member): the generated
polus_o2n_struct_msg is not compiled when user_polus_o2n_struct_msg stands in
for it, and is kept when the user's function calls it to build on it."""
from __future__ import annotations

import subprocess

from polusgen.build import build_patch
from polusgen.plan.usercode import user_flags
from polusgen.resources import runtime_dir
from tests.support.cases import CONSTRUCTOR, case

from .conftest import emit

REPLACE = """
void user_polus_o2n_struct_msg(struct msg_v1 *dst, const struct msg *src)
{
    dst->len = src->len;
    dst->flags = 0;
}

void user_polus_n2o_struct_msg(struct msg *dst, const struct msg_v1 *src)
{
    dst->len = src->len;
}
"""

BUILD_ON = """
void user_polus_o2n_struct_msg(struct msg_v1 *dst, const struct msg *src)
{
    polus_o2n_struct_msg(dst, src);
    dst->flags = 0;
}
"""


def generated_converters(c_path, user) -> str:
    """The patch as gcc sees it with the user code: its preprocessed text."""
    r = subprocess.run(["gcc", "-E", "-P", f"-I{runtime_dir()}", *user_flags(user), str(c_path)],
                       capture_output=True, text=True, check=True)
    return r.stdout


def test_user_converter_replaces_the_generated_one(tmp_path):
    old, new = case(CONSTRUCTOR, "flexible_array").pair()
    for text, kept in ((REPLACE, False), (BUILD_ON, True)):
        user = tmp_path / "user.c"
        user.write_text(text)
        out = tmp_path / "p.polus.c"
        emit(old, new, out, user_code=user, program="flexible_array")
        pre = generated_converters(out, user)
        assert ("void polus_o2n_struct_msg(" in pre) is kept
        assert "void user_polus_o2n_struct_msg(" in pre
        build_patch(out, tmp_path / "p.so", user_code=user, force=True)
