"""GNU inline assembly, which pycparser cannot parse.

An asm *statement* (`__asm__ __volatile__("" ::: "memory");`, `asm("nop");`)
is carried through the parser as a call holding its original text,
`__polus_asm("__asm__ __volatile__(\\"\\" ::: \\"memory\\")")`, and
SourceGenerator prints it back as written: a patch keeps its barriers and
instructions.  An asm *label* on a declaration (`int f(void) __asm__("g");`)
is left to the prelude, which drops it.

This is a textual pass over program files before preprocessing, so the text
around the operands' C expressions is split into string pieces, and each
expression is an argument of its own between them:

    asm("" : "=r"(dst) : "0"(src))  ->  __polus_asm("asm(\"\" : \"=r\"(", (dst), ") : \"0\"(", (src), "))")

The expressions stay C: a macro's parameters and the macros they use expand,
the analysis sees the names they read (an output operand counts as a read),
and the emitter renames them like any other expression.
"""
from __future__ import annotations

import re

from polusgen.csyntax.carried import ASM_CALL, encode

_START = re.compile(r"\b(?:__asm__|__asm|asm)\b(?:\s+(?:__volatile__|__volatile|volatile|goto|inline))*\s*\(")
_QUALIFIED = re.compile(r"\b(?:__asm__|__asm|asm)\b\s+(?:__volatile__|__volatile|volatile|goto|inline)")


def _past_literal(text: str, i: int) -> int:
    """Index just past the string or character literal opening at text[i]."""
    j = i + 1
    while j < len(text) and text[j] != text[i]:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _closing(text: str, i: int) -> int:
    """Index just past the `)` matching the `(` at text[i - 1]."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _past_literal(text, i)
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


def _split_operands(asm: str) -> list[str]:
    """The asm statement's text split at its operands' expressions: text,
    expression, text, ... (an odd count).  Operands are the parenthesized
    expressions of the output and input sections (after the first and second
    top-level `:`); the clobbers and goto labels stay text."""
    open_at = asm.index("(") + 1
    pieces, start, i, depth, colons, n = [], 0, open_at, 1, 0, len(asm)
    while i < n:
        c = asm[i]
        if c in "\"'":
            i = _past_literal(asm, i)
            continue
        if c == ":" and depth == 1:
            colons += 1
        elif c == "(" and depth == 1 and colons in (1, 2):
            end = _closing(asm, i + 1)
            pieces.extend([asm[start:i + 1], asm[i + 1:end - 1]])
            start, i = end - 1, end
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    pieces.append(asm[start:])
    return pieces


def protect_asm(text: str) -> str:
    """Rewrite asm statements into `__polus_asm("...", expr, "...")`, keeping
    every line where it was (the statement's newlines move after the call,
    as line continuations where it had them: a macro's body stays one)."""
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
        spliced = original.replace("\\\n", "")
        parts = _split_operands(spliced)
        args = [f'"{encode(p)}"' if k % 2 == 0 else f"({p})" for k, p in enumerate(parts)]
        moved = sum(p.count("\n") for p in parts[::2])
        out.append(text[pos:m.start()])
        out.append(f"{ASM_CALL}({', '.join(args)})" + "\\\n" * (original.count("\n") - spliced.count("\n"))
                   + "\n" * moved)
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
