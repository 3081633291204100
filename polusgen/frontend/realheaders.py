"""What the real compiler says about the system headers: where it looks for
them (`search_path`), what it predefines (`predefined_macros`, `std_macros`
for -std), and the headers' macros.

The fake libc headers stand in for the real ones during analysis, but a
program tests and expands the real ones' macros (`#ifndef S_ISDIR`,
`_PATH_BSHELL " -c"`).  After a program file includes a fake header, the
preprocessor asks the compiler that builds the patch ($CC, default gcc) which
macros the real header defines under the same feature macros
(`gcc -E -dM`), and defines each one the fake lacks the way the fake
headers do (fake_libc_include/README.md): to itself, with its parameters,
so it parses as an identifier or a call and is printed back as written.
Two kinds cannot be written that way:

* a macro whose value is a string literal (`_PATH_BSHELL`, `PRId64`): a
  program concatenates it with other literals, so it becomes a marker string
  `"\\001polus:NAME\\001"` that polusgen.csyntax.cgen prints back as NAME;
* a macro that stands for a C keyword (`static_assert` -> `_Static_assert`):
  it keeps that keyword, which means the same to every compiler.

Answers are cached on disk by the compiler's identity, the header and the
feature macros (the system headers are not the program's: they change only
with the installed packages).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

from polusgen.csyntax.carried import MARKER

from .cache import cache_dir


_DEFINE = re.compile(r"^#define (\w+)(\([^)]*\))?(?: (.*))?$")
_STRINGS = re.compile(r'^(?:\s*(?:[LuU]|u8)?"(?:[^"\\]|\\.)*")+\s*$')
_TOKEN = re.compile(r'(?:[LuU]|u8)?"(?:[^"\\]|\\.)*"|\w+|\S')
_GUARD = re.compile(r"^_[A-Z0-9_]*_H_*$")
# C keywords a system macro may stand for (C11 spellings, and the GNU ones
# the prelude maps): what such a macro expands to is the same everywhere
KEYWORDS = {
    "_Static_assert", "_Noreturn", "_Alignas", "_Alignof", "_Bool", "_Complex", "_Imaginary", "_Atomic",
    "_Thread_local", "_Generic", "inline", "const", "volatile", "restrict", "static", "extern", "void",
}


def compiler() -> str:
    return os.environ.get("CC", "gcc")


@lru_cache(maxsize=None)
def _compiler_id(cc: str) -> Optional[str]:
    try:
        r = subprocess.run([cc, "--version"], capture_output=True, text=True)
    except OSError:
        return None
    return r.stdout if r.returncode == 0 else None


@lru_cache(maxsize=None)
def search_path() -> tuple[Path, ...]:
    """The folders the compiler searches for `#include <...>` (/usr/include,
    its own include folder, ...): where installed libraries' headers are."""
    try:
        r = subprocess.run([compiler(), "-E", "-v", "-x", "c", "-", "-o", os.devnull], input="",
                           capture_output=True, text=True)
    except OSError:
        return ()
    lines = r.stderr.splitlines()
    try:
        start = lines.index("#include <...> search starts here:") + 1
        end = lines.index("End of search list.", start)
    except ValueError:
        return ()
    return tuple(Path(line.strip()).resolve() for line in lines[start:end] if line.startswith(" "))


def std_macros(std: str) -> dict[str, Optional[str]]:
    """What the compiler predefines differently under -std=`std`:
    __STDC_VERSION__ and __STRICT_ANSI__ (None: not defined)."""
    got = predefined(compiler(), (f"-std={std}",))
    return {n: got[n][1] if n in got else None for n in ("__STDC_VERSION__", "__STRICT_ANSI__")}


def _dump(cc: str, text: str, flags: tuple[str, ...] = ()) -> Optional[dict[str, tuple[Optional[str], str]]]:
    """{name: (params or None, body)} of `cc -E -dM` on `text`, None if it fails."""
    try:
        r = subprocess.run([cc, "-E", "-dM", *flags, "-x", "c", "-"], input=text, capture_output=True, text=True)
    except OSError:
        return None
    if r.returncode:
        return None
    out = {}
    for line in r.stdout.splitlines():
        m = _DEFINE.match(line)
        if m:
            out[m.group(1)] = (m.group(2), m.group(3) or "")
    return out


@lru_cache(maxsize=None)
def predefined(cc: str, flags: tuple[str, ...] = ()) -> dict[str, tuple[Optional[str], str]]:
    """Every macro the compiler predefines: {name: (params or None, body)}."""
    return _dump(cc, "", flags) or {}


@lru_cache(maxsize=None)
def predefined_macros(flags: tuple[str, ...] = ()) -> dict[str, str]:
    """The object-like macros the compiler predefines ({name: body}):
    __DBL_MANT_DIG__, __INT_MAX__, __SIZEOF_INT128__, ... (gcc's <float.h>
    and programs' #if read them)."""
    return {n: body for n, (params, body) in predefined(compiler(), flags).items() if params is None}


def ask_once() -> None:
    """Ask the compiler what every translation unit needs from it, so that
    worker processes forked afterwards inherit the answers instead of each
    running the compiler again."""
    cc = compiler()
    _compiler_id(cc)
    search_path()
    predefined(cc)


def _stored(key: str) -> Optional[dict]:
    try:
        return json.loads((cache_dir() / "real-headers" / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None


def _store(key: str, value: dict) -> None:
    d = cache_dir() / "real-headers"
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        with os.fdopen(fd, "w") as f:
            json.dump(value, f)
        os.replace(tmp, d / f"{key}.json")
    except OSError:
        pass            # a cache that cannot be written is only slower


@lru_cache(maxsize=4096)
def real_macros(header: str, features: tuple[str, ...], flags: tuple[str, ...] = ()) -> dict[str, list]:
    """The macros the real `<header>` defines after the `features` lines
    ("#define _GNU_SOURCE 1"), minus what the compiler predefines:
    {name: [params or None, body]}.  Empty if the compiler or the header is
    missing."""
    cc = compiler()
    ident = _compiler_id(cc)
    if ident is None:
        return {}
    key = hashlib.sha256(repr((ident, header, features, flags)).encode()).hexdigest()
    got = _stored(key)
    if got is None:
        dumped = _dump(cc, "".join(f"{f}\n" for f in features) + f"#include <{header}>\n", flags)
        before = predefined(cc, flags)
        got = {n: list(v) for n, v in (dumped or {}).items() if n not in before}
        if dumped is not None:
            _store(key, got)
    return got


def is_internal(name: str) -> bool:
    """Names no program tests: the implementation's own (`__x`) and include guards."""
    return name.startswith("__") or bool(_GUARD.match(name))


def is_string_valued(name: str, macros: dict[str, list], depth: int = 0) -> bool:
    """The object-like macro expands to string literals only (through other
    macros of `macros`: PRId64 is `__PRI64_PREFIX "d"`)."""
    params, body = macros.get(name, (None, ""))
    if params is not None or not body or depth > 8:
        return False
    if _STRINGS.match(body):
        return True
    toks = _TOKEN.findall(body)
    return all(t.endswith('"') or (t in macros and is_string_valued(t, macros, depth + 1)) for t in toks) \
        and any(t.endswith('"') for t in toks)


def stand_in(name: str, macros: dict[str, list]) -> Optional[str]:
    """The definition ("NAME(params) body" for pcpp) that stands in for the
    real macro `name` during analysis, or None if it is one polusgen leaves to
    the fake headers."""
    params, body = macros[name]
    if is_internal(name):
        return None
    if params is None and is_string_valued(name, macros):
        return f"{name} \"{MARKER.format(name)}\""
    if params is None and body in KEYWORDS:
        return f"{name} {body}"
    if params is not None:
        args = [a.strip() for a in params[1:-1].split(",") if a.strip()]
        call = ["__VA_ARGS__" if a == "..." else a[:-3] if a.endswith("...") else a for a in args]
        return f"{name}{params} {name}({', '.join(call)})"
    return f"{name} {name}"


@lru_cache(maxsize=4096)
def stand_ins(header: str, features: tuple[str, ...], flags: tuple[str, ...] = ()) -> tuple[tuple, ...]:
    """For every macro of the real `<header>` (real_macros): (name, params or
    None, real body, its stand-in or None)."""
    real = real_macros(header, features, flags)
    return tuple((name, params, body, stand_in(name, real)) for name, (params, body) in real.items())
