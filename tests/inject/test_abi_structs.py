"""The structures and constants the injector shares with the runtime
(polusgen/inject/abi.py) against C: a small program compiled with the
runtime's headers prints sizeof/offsetof of every structure and field and the
value of every constant; a drift on either side fails here."""
from __future__ import annotations

import ctypes
import subprocess

import pytest

from polusgen.inject import abi
from polusgen.resources import runtime_dir
from tests.support.build import gcc, needs_gcc

HEADERS = ["stddef.h", "stdio.h", "signal.h", "ucontext.h", "sys/user.h", "polus.h", "rt_internal.h"]


def c_program() -> str:
    lines = ["#define _GNU_SOURCE"]
    lines += [f'#include "{h}"' if h.startswith(("polus", "rt_")) else f"#include <{h}>" for h in HEADERS]
    lines += ["int main(void)", "{"]
    for s in abi.STRUCTS:
        t = s.C_NAME
        lines.append(f'    printf("{t}|%zu\\n", sizeof({t}));')
        for name, *_ in s._fields_:
            c = c_field(s, name)
            lines.append(f'    printf("{t}.{name}|%zu %zu\\n", offsetof({t}, {c}), sizeof((({t} *)0)->{c}));')
    for macro in abi.CONSTANTS:
        lines.append(f'    printf("{macro}|%llu\\n", (unsigned long long)({macro}));')
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)


def c_field(s, name: str) -> str:
    return getattr(s, "C_FIELDS", {}).get(name, name)


def python_view(c_view: dict[str, str]) -> dict[str, str]:
    """What the declarations say, in the C program's terms; a C_PREFIX
    structure declares only a prefix of its C type: its size and its last
    field's size are C's."""
    out = {}
    for s in abi.STRUCTS:
        prefix = getattr(s, "C_PREFIX", False)
        out[s.C_NAME] = c_view[s.C_NAME] if prefix else str(ctypes.sizeof(s))
        for name, *_ in s._fields_:
            f, key = getattr(s, name), f"{s.C_NAME}.{name}"
            last = prefix and name == s._fields_[-1][0]
            out[key] = f"{f.offset} {c_view[key].split()[1] if last else f.size}"
    out.update({macro: str(value) for macro, value in abi.CONSTANTS.items()})
    return out


@pytest.fixture(scope="module")
def c_view(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("abi")
    (d / "abi.c").write_text(c_program())
    gcc("-O0", "-Wall", "-Werror", f"-I{runtime_dir()}", d / "abi.c", "-o", d / "abi")
    out = subprocess.run([str(d / "abi")], capture_output=True, text=True, check=True).stdout
    return dict(line.split("|") for line in out.splitlines())


@needs_gcc
def test_every_structure_and_field_has_the_size_and_offset_of_c(c_view):
    py = python_view(c_view)
    assert set(py) == set(c_view)
    assert {k: py[k] for k in py if py[k] != c_view[k]} == {}, {k: c_view[k] for k in py if py[k] != c_view[k]}


@needs_gcc
def test_fields_cover_each_structure(c_view):
    """No C field is missing in Python: the last field ends where the structure
    does, but for its trailing padding."""
    for s in abi.STRUCTS:
        if getattr(s, "C_PREFIX", False):
            continue
        last = getattr(s, s._fields_[-1][0])
        end = last.offset + last.size
        align = ctypes.alignment(s)
        assert int(c_view[s.C_NAME]) == (end + align - 1) // align * align, s.C_NAME


def test_a_redirect_note_keeps_every_byte_of_the_code():
    orig = bytes([0x48, 0x89, 0x00, 0x00, 0xc3])
    note = abi.RedirectNote.of(0x1000, 0x2000, orig)
    raw = bytes(note)
    off = abi.RedirectNote.orig.offset
    assert raw[off:off + len(orig)] == orig and note.len == len(orig)
    with pytest.raises(ValueError):
        abi.RedirectNote.of(0, 0, bytes(abi.RedirectNote.orig.size + 1))


def test_an_import_table_is_a_c_array():
    raw = abi.pack([abi.PolusImport(0x10, 8), abi.PolusImport(0x20, 16)])
    size = ctypes.sizeof(abi.PolusImport)
    assert len(raw) == 2 * size
    assert int.from_bytes(raw[size:size + 8], "little") == 0x20


def test_the_landing_code_reads_errno_where_the_frame_puts_it():
    """remote.LANDING_CODE runs with rsp at the frame's ucontext and reads
    errno's address and value from uc_mcontext.reserved1[0..1]."""
    from polusgen.inject import remote

    at = abi.UContext.uc_mcontext.offset + abi.SigContext.reserved1.offset
    code = remote.LANDING_CODE
    assert code[3:11] == bytes.fromhex("488b8c24") + at.to_bytes(4, "little")            # mov at(%rsp),%rcx
    assert code[16:23] == bytes.fromhex("8b9424") + (at + 8).to_bytes(4, "little")      # mov at+8(%rsp),%edx
