"""polusgen/elf.py, the project's one ELF reader, against binutils: every
symbol readelf and nm see, the same way, on PIE and non-PIE binaries; and it
stays the only reader, cheap to import on the apply path."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from polusgen import elf
from tests.support.build import build_c, build_so, needs_gcc, REPO
from tests.support.cases import FIG2

LIBC = Path("/lib/x86_64-linux-gnu/libc.so.6")


def readelf_symbols(path: Path, dyn: bool) -> list[tuple]:
    out = subprocess.run(["readelf", "-sW", "--dyn-syms" if dyn else "--syms", str(path)],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    table = None
    for line in out.splitlines():
        m = re.match(r"Symbol table '(\S+)'", line)
        if m:
            table = m.group(1)
            continue
        m = re.match(r"\s*(\d+): ([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$", line)
        if not m or table != (".dynsym" if dyn else ".symtab"):
            continue
        num, value, size, typ, bind, _vis, ndx, name = m.groups()
        if num == "0" or typ == "FILE":
            continue
        size = int(size, 16) if size.startswith("0x") else int(size)
        if dyn:
            name = re.sub(r"@.*$", "", name)
        rows.append((name, int(value, 16), size, typ, bind, ndx == "UND"))
    return rows


def ours(path: Path, table: str) -> list[tuple]:
    return [(s.name, s.value, s.size, s.type_name, s.bind_name, not s.defined)
            for s in elf.ElfFile(path).symbols(table)]


@pytest.fixture(scope="module")
def fig2_binaries(tmp_path_factory):
    d = tmp_path_factory.mktemp("elf")
    return {p: build_c(FIG2.sources(0), d / f"fig2-{p}", pie=(p == "pie"))
            for p in ("pie", "nopie")}


@needs_gcc
@pytest.mark.parametrize("kind", ["pie", "nopie"])
def test_every_symtab_symbol_matches_readelf(fig2_binaries, kind):
    exe = fig2_binaries[kind]
    assert ours(exe, ".symtab") == readelf_symbols(exe, dyn=False)
    assert ours(exe, ".dynsym") == readelf_symbols(exe, dyn=True)


def test_libc_dynsym_matches_readelf():
    assert ours(LIBC, ".dynsym") == readelf_symbols(LIBC, dyn=True)


def test_libc_default_version_of_dlopen():
    e = elf.ElfFile(LIBC)
    s = e.find("dlopen", tables=(".dynsym",))
    assert s.default and s.type == elf.STT_FUNC
    nm = subprocess.run(["nm", "-D", str(LIBC)], capture_output=True, text=True, check=True).stdout
    addr = next(int(line.split()[0], 16) for line in nm.splitlines() if line.endswith(" dlopen@@GLIBC_2.34"))
    assert s.value == addr


@needs_gcc
@pytest.mark.parametrize("kind", ["pie", "nopie"])
def test_pie_and_find_against_nm(fig2_binaries, kind):
    exe = fig2_binaries[kind]
    e = elf.ElfFile(exe)
    assert (e.first_load_vaddr == 0) == (kind == "pie")      # a PIE is linked at 0
    assert e.has_symtab
    nm = subprocess.run(["nm", "-S", str(exe)], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 4:
            table[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    for name in ("bar", "report", "ab", "calls", "main"):
        s = e.find(name)
        assert (s.value, s.size) == table[name]
    assert e.find("bar", kind="function").type == elf.STT_FUNC
    with pytest.raises(elf.SymbolLookupError):
        e.find("no_such_symbol_here")


@needs_gcc
def test_statics_told_apart_by_source_file(tmp_path, pie):
    (tmp_path / "a.c").write_text("static int counter = 1; static int get(void) { return counter; }\n"
                                  "int a_get(void) { return get() + counter++; }\n")
    (tmp_path / "b.c").write_text("static int counter = 2; static int get(void) { return counter * 3; }\n"
                                  "int b_get(void) { return get() + counter++; }\n"
                                  "int a_get(void); int main(void) { return a_get() + b_get(); }\n")
    exe = build_c([tmp_path / "a.c", tmp_path / "b.c"], tmp_path / "two", pie=pie)
    e = elf.ElfFile(exe)
    assert (e.first_load_vaddr == 0) == pie
    assert ours(exe, ".symtab") == readelf_symbols(exe, dyn=False)
    ca, cb = e.find("counter", file="a.c"), e.find("counter", file="src/b.c")
    assert ca.value != cb.value and ca.file == "a.c" and cb.file == "b.c"
    with pytest.raises(elf.SymbolLookupError, match="several files"):
        e.find("counter")
    data = e.data
    # the initial values tell which is which (.data is file-backed at vaddr - segment delta)
    sec = next(s for s in e.sections if s.addr <= ca.value < s.addr + s.size)
    assert int.from_bytes(data[sec.offset + ca.value - sec.addr:][:4], "little") == 1
    assert int.from_bytes(data[sec.offset + cb.value - sec.addr:][:4], "little") == 2


@needs_gcc
def test_build_id_matches_readelf_and_sha256_fallback(fig2_binaries, tmp_path):
    exe = fig2_binaries["pie"]
    notes = subprocess.run(["readelf", "-n", str(exe)], capture_output=True, text=True, check=True).stdout
    want = re.search(r"Build ID: ([0-9a-f]+)", notes).group(1)
    assert elf.build_id(exe) == want
    no_id = build_c(FIG2.sources(0), tmp_path / "noid", extra=["-Wl,--build-id=none"])
    assert elf.build_id(no_id) is None
    assert elf.ElfFile(no_id).sha256() == elf.file_sha256(no_id) == hashlib.sha256(no_id.read_bytes()).hexdigest()


@needs_gcc
def test_manifest_section_of_the_reference_patch(tmp_path):
    from polusgen.manifest import Manifest

    so = build_so(REPO / "docs" / "patch-example.polus.c", tmp_path / "p.so",
                  include=[REPO / "runtime"])
    m = elf.read_manifest(so)
    assert isinstance(m, Manifest) and m.name == "fig2-v1"
    assert [i.name for i in m.imports] == ["ab", "calls", "bar", "report"]
    e = elf.ElfFile(so)
    assert e.find("polus_imports", tables=(".dynsym",)).size == 4 * 16
    with pytest.raises(elf.ElfError, match="polus_manifest"):
        elf.read_manifest(LIBC)


def test_gnu_hash_lookup_agrees_with_the_full_table():
    full = elf.ElfFile(LIBC)
    by_name = {}
    for s in full.symbols(".dynsym"):
        if s.defined and s.name:
            by_name.setdefault(s.name, []).append(s)
    lazy = elf.ElfFile(LIBC)
    for name, syms in by_name.items():
        got = lazy.find(name, tables=(".dynsym",))
        want = full.find(name, tables=(".dynsym",))
        assert (got.name, got.value, got.size, got.type, got.default) == \
               (want.name, want.value, want.size, want.type, want.default), name
    assert ".dynsym" not in lazy._symbols          # never needed the whole table
    with pytest.raises(elf.SymbolLookupError):
        lazy.find("polus_no_such_symbol", tables=(".dynsym",))


@needs_gcc
@pytest.mark.parametrize("kind", ["pie", "nopie"])
@pytest.mark.parametrize("kinds", [("FUNC",), ("OBJECT", "TLS")])
def test_the_differs_symbols_are_readelfs(fig2_binaries, kind, kinds):
    """diff/inlining.py (functions) and diff/storage.py (data) read the running
    binary through this reader: the defined symbols of .symtab of those kinds,
    locals with their source file."""
    from polusgen.diff.inlining import read_symbols

    exe = fig2_binaries[kind]
    want = [(name.split("@")[0], value, size) for name, value, size, typ, _bind, undef
            in readelf_symbols(exe, dyn=False) if typ in kinds and not undef and name]
    got = read_symbols(exe, tuple(getattr(elf, f"STT_{k}") for k in kinds))
    assert want and [(s.name, s.addr, s.size) for s in got] == want
    files = {s.name: s.file for s in elf.ElfFile(exe).symbols(".symtab")}
    assert all(s.file == (files[s.name] if s.local else None) for s in got)


def test_the_reader_is_cheap_and_imports_nothing_of_the_pipeline():
    code = ("import sys, polusgen.inject.apply, polusgen.elf; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('elftools', 'pycparser', 'jinja2', 'networkx')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert r.stdout.strip() == "[]", r.stdout
    src = (REPO / "polusgen" / "elf.py").read_text()
    assert not re.search(r"^\s*(from|import) polusgen\.(?!manifest)", src, re.M)


def test_no_other_module_runs_binutils_to_read_elf():
    """objdump stays, for disassembly (diff/inlining.py), and pyelftools for
    DWARF (a module that imports elftools.dwarf); symbols, notes and sections
    are read only through polusgen/elf.py."""
    offenders = []
    for f in [p for d in ("polusgen", "ansible", "bench") for p in (REPO / d).rglob("*.py")]:
        src = f.read_text()
        for tool in ("readelf", "objcopy", "nm", "elftools"):
            if re.search(rf"[\"']{tool}[\"']|import {tool}|from {tool}", src) and \
                    not (tool == "elftools" and "from elftools.dwarf" in src):
                offenders.append(f"{f.relative_to(REPO)}: {tool}")
    assert not offenders, offenders
