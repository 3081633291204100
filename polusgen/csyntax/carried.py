"""How the frontend carries C that pycparser cannot parse, in C that it can.

* an asm statement becomes a call with its original text in string literals
  and its operands' C expressions as arguments between them,
  `__polus_asm("...(", (expr), ")...")` (polusgen.frontend.asm writes it);
* a string-valued system macro (`_PATH_BSHELL`) becomes a marker string,
  `"\\001polus:_PATH_BSHELL\\001"` (polusgen.frontend.realheaders writes it).

polusgen.csyntax.cgen prints both back as written.
"""
from __future__ import annotations

import re

ASM_CALL = "__polus_asm"

MARKER = "\\001polus:{}\\001"                  # as written in C source
MARKER_RE = re.compile(r"\\001polus:(\w+)\\001")


def encode(original: str) -> str:
    return original.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def decode(literal: str) -> str:
    """The original text from the string literal `encode` made (with quotes)."""
    body = literal[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)
