"""User code: hand-written sync functions and callbacks (templates/USER_CODE.md).

A C file given with --user-code is #included into the patch after the
declarations, the import table, the new globals and the prototypes of every
generated function, so it can use all of them.  A function it defines named
`user_polus_<what>` takes precedence over the generated `polus_<what>`;
everything else stays generated.  The patch selects with the preprocessor
(POLUS_HAVE_USER_<what>), so the same .polus.c also builds with
`polusgen build --user-code` and with the Makefile.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

_DEF = re.compile(r"\b(user_polus_\w+)\s*\(([^;{}]*)\)\s*\{")


def strip_c(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def user_functions(path: Optional[Path]) -> list[str]:
    """The `<what>` of every user_polus_<what> function defined in the file, in order."""
    if path is None:
        return []
    text = strip_c(Path(path).read_text())
    seen: dict[str, None] = {}
    for m in _DEF.finditer(text):
        seen.setdefault(m.group(1)[len("user_polus_"):], None)
    return list(seen)


def kept_generated(path: Optional[Path]) -> list[str]:
    """The `<what>` of every user_polus_<what> that calls polus_<what>, the
    generated function it replaces (to build on it): that one stays compiled.
    A generated converter the user replaces without calling it is left out,
    so it cannot stand in the way (a type it cannot handle)."""
    if path is None:
        return []
    text = strip_c(Path(path).read_text())
    return [w for w in user_functions(path) if re.search(rf"(?<!user_)\bpolus_{w}\s*\(", text)]


def user_old_refs(path: Optional[Path]) -> list[str]:
    """Every POLUS_OLD_<name> (and _C) the file uses: the running program's (or an
    earlier patch's) symbols it wants imported, deleted ones included."""
    if path is None:
        return []
    text = strip_c(Path(path).read_text())
    seen: dict[str, None] = {}
    for m in re.finditer(r"\bPOLUS_OLD_(\w+)", text):
        name = m.group(1)
        seen.setdefault(name[:-2] if name.endswith("_C") else name, None)
    return list(seen)


def user_flags(path: Optional[Path]) -> list[str]:
    """gcc options that include the file and select its functions."""
    if path is None:
        return []
    p = Path(path).resolve()
    return [f'-DPOLUS_USER_CODE="{p}"'] + [f"-DPOLUS_HAVE_USER_{w}=1" for w in user_functions(p)] + \
        [f"-DPOLUS_KEEP_{w}=1" for w in kept_generated(p)]
