"""Hand-written patches for injector tests that must not depend on the patch
constructor (bench/bench_apply.py uses them too)."""
from __future__ import annotations

from pathlib import Path

from .build import REPO, build_so


REDIRECT_PATCH = r"""
#include "polus.h"
POLUS_EXPORT struct polus_import polus_imports[%(n)d];
%(defs)s
POLUS_EXPORT int register_patch(void);
int register_patch(void)
{
    int p = polus_begin_patch("%(program)s", "%(name)s", 0, 1, POLUS_ABI_VERSION);
    if (p < 0) return -1;
%(regs)s
    return polus_end_patch(p) == 0 ? p : -1;
}
__attribute__((section(".polus_manifest"), used))
static const char polus_manifest[] = %(manifest)s;
"""


def redirect_patch(tmp: Path, exe: Path, name: str, new: dict[str, str], prelude: str = "") -> Path:
    """A patch that only redirects functions: `new` maps an old function name to
    the C definition of its new version, which must be called NAME_v1."""
    from polusgen import elf
    from polusgen.manifest import Binary, Import, Manifest, NewFunction, OldFunction, Redirect

    names = list(new)
    m = Manifest(program=exe.name, name=name, from_version=0, to_version=1,
                 binary=Binary(path=str(exe), build_id=elf.build_id(exe)),
                 imports=[Import(n, "function") for n in names],
                 old_functions=[OldFunction(n, k) for k, n in enumerate(names)],
                 new_functions=[NewFunction(n, f"{n}_v1") for n in names],
                 redirects=[Redirect(k, k) for k in range(len(names))])
    defs = prelude + "\n" + "\n".join(f"POLUS_EXPORT {body}" for body in new.values())
    regs = "\n".join(
        f'    polus_map_function(p, polus_register_old_function(p, "{n}", polus_imports[{k}].addr, '
        f'polus_imports[{k}].size, 0), polus_register_new_function(p, "{n}", (void *){n}_v1, 0));'
        for k, n in enumerate(names))
    manifest = '"' + m.to_json().replace("\\", "\\\\").replace('"', '\\"') + '"'
    src = tmp / f"{name}.polus.c"
    src.write_text(REDIRECT_PATCH % {"n": len(names), "defs": defs, "program": exe.name, "name": name,
                                     "regs": regs, "manifest": manifest})
    return build_so(src, tmp / f"{name}.so", include=[REPO / "runtime"])
