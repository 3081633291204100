"""GNU inline assembly, which pycparser cannot parse.

An asm *statement* (`__asm__ __volatile__("" ::: "memory");`, `asm("nop");`)
is carried through the parser as a call with its whole original text in one
string, `__polus_asm("__asm__ __volatile__(\\"\\" ::: \\"memory\\")")`, and
SourceGenerator prints it back as written: a patch keeps its barriers and
instructions.  An asm *label* on a declaration (`int f(void) __asm__("g");`)
is left to the prelude, which drops it.

This is a textual pass over program files before preprocessing: macros inside
an asm statement's operands are therefore not expanded, and the globals its
operands name are not seen as reads or writes.
"""
from __future__ import annotations

import re

from polusgen.csyntax.carried import ASM_CALL, encode

_START = re.compile(r"\b(?:__asm__|__asm|asm)\b(?:\s+(?:__volatile__|__volatile|volatile|goto|inline))*\s*\(")
_QUALIFIED = re.compile(r"\b(?:__asm__|__asm|asm)\b\s+(?:__volatile__|__volatile|volatile|goto|inline)")


def _closing(text: str, i: int) -> int:
    """Index just past the `)` matching the `(` at text[i - 1]."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _previous_char(text: str, start: int) -> str:
    """The last character of code before `start`, past blanks, comments
    and preprocessor lines ("" at the top of the file)."""
    lines = text[max(0, start - 2000):start].split("\n")
    while lines:
        line = re.sub(r"//.*$", "", lines[-1]).rstrip()
        if line.endswith("*/") and "/*" in line:
            line = line[:line.rindex("/*")].rstrip()
        if line and not line.lstrip().startswith("#"):
            return line[-1]
        lines.pop()
    return ""


def _is_statement(text: str, start: int, end: int, qualified: bool) -> bool:
    if qualified:
        return True                       # labels take no qualifiers
    return text[end:].lstrip().startswith(";") and _previous_char(text, start) in ("", ";", "{", "}", ":")


def protect_asm(text: str) -> str:
    """Rewrite asm statements into `__polus_asm("...")`, keeping every line
    where it was (newlines inside the statement move after the call)."""
    if "asm" not in text:
        return text
    out, pos = [], 0
    for m in _START.finditer(text):
        if m.start() < pos:
            continue
        end = _closing(text, m.end())
        if end < 0:
            break
        if not _is_statement(text, m.start(), end, bool(_QUALIFIED.match(text, m.start()))):
            continue
        original = text[m.start():end]
        out.append(text[pos:m.start()])
        out.append(f'{ASM_CALL}("{encode(original)}")' + "\n" * original.count("\n"))
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
