"""What runtime/polus.h declares and what a patch's C calls of it."""
from __future__ import annotations

import re

from polusgen.resources import runtime_dir

_DECL = re.compile(r"^\s*(?:const\s+)?[\w\s\*]+?\b(polus_\w+)\s*\(", re.M)
_CALL = re.compile(r"\b(polus_\w+)\s*\(")


def header_functions() -> set[str]:
    text = (runtime_dir() / "polus.h").read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return {m.group(1) for m in _DECL.finditer(text) if not m.group(1).endswith("_fn")}


def called_polus_functions(c_text: str) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", c_text, flags=re.S)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)      # character literals first: '"' is no string
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    # names the patch defines itself (sync functions, polus_o2n_*) are not ABI calls
    defined = set(re.findall(r"^\s*(?:static\s+)?[\w\s\*]+?\b(polus_\w+)\s*\([^;]*\)\s*\{", text, re.M))
    return {n for n in _CALL.findall(text)} - defined
