"""The project's one ELF reader (ELF64 little-endian), standard library only.

Every stage that looks into a binary reads it here: the injector (symbols of
the target, libc and the runtime, a patch's manifest, the build-id check and
the pool's selection of processes), the differ (function and data symbols of
the running binary: inlining, storage), the emitter (the binary's identity
and function symbols) and the build (the manifest).
pyelftools costs ~0.2 s to import and readelf/objcopy cost a process each;
the apply path reads a handful of tables, so it reads them itself: section
headers, program headers, .symtab/.dynsym (with STT_FILE grouping so that
statics are told apart by source file, and .gnu.version so that the default
version of a symbol wins), the GNU build-id note and any named section (the
patch's .polus_manifest).  It imports nothing of polusgen but the manifest,
when asked for one.
"""
from __future__ import annotations

import hashlib
import os
import struct
from typing import NamedTuple, Optional

SHT_SYMTAB, SHT_NOTE, SHT_DYNSYM, SHT_NOBITS, SHT_GNU_versym = 2, 7, 11, 8, 0x6FFFFFFF
SHT_GNU_HASH = 0x6FFFFFF6
PT_LOAD, PT_INTERP, PT_NOTE = 1, 3, 4
PF_W = 2          # a writable segment
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE, STT_TLS, STT_GNU_IFUNC = 0, 1, 2, 3, 4, 6, 10
STB_LOCAL, STB_GLOBAL, STB_WEAK = 0, 1, 2
SHN_UNDEF, SHN_ABS = 0, 0xFFF1
NT_GNU_BUILD_ID = 3

TYPE_NAMES = {0: "NOTYPE", 1: "OBJECT", 2: "FUNC", 3: "SECTION", 4: "FILE", 5: "COMMON", 6: "TLS",
              10: "IFUNC"}
BIND_NAMES = {0: "LOCAL", 1: "GLOBAL", 2: "WEAK", 10: "UNIQUE"}


class ElfError(Exception):
    """Not an ELF64 little-endian file, or a table is cut short."""


class Section(NamedTuple):
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    entsize: int


class Segment(NamedTuple):
    type: int
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    flags: int


class Symbol(NamedTuple):
    name: str
    value: int
    size: int
    type: int        # STT_*
    bind: int        # STB_*
    shndx: int
    file: Optional[str]   # STT_FILE this local symbol follows (None for globals / no file)
    table: str            # ".symtab" or ".dynsym"
    default: bool = True  # .dynsym: the default version (name@@V), not a compat one (name@V)

    @property
    def defined(self) -> bool:
        return self.shndx != SHN_UNDEF

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, str(self.type))

    @property
    def bind_name(self) -> str:
        return BIND_NAMES.get(self.bind, str(self.bind))


class SymbolLookupError(LookupError):
    pass


def _basename(p: Optional[str]) -> Optional[str]:
    return os.path.basename(p) if p else p


class ElfFile:
    """One ELF64 file, read once into memory (patches and executables are small;
    libc is 2 MB and is read only for its .dynsym)."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        with open(self.path, "rb") as f:
            self.data = f.read()
        d = self.data
        if len(d) < 64 or d[:4] != b"\x7fELF":
            raise ElfError(f"{self.path}: not an ELF file")
        if d[4] != 2 or d[5] != 1:
            raise ElfError(f"{self.path}: not a 64-bit little-endian ELF file")
        (self.e_type, self.e_machine, _ver, self.e_entry, self.e_phoff, self.e_shoff, _flags, _ehsize,
         self.e_phentsize, self.e_phnum, self.e_shentsize, self.e_shnum, self.e_shstrndx) = \
            struct.unpack_from("<HHIQQQIHHHHHH", d, 16)
        self.sections = self._read_sections()
        self.segments = self._read_segments()
        self._by_name = {s.name: s for s in self.sections}
        self._symbols: dict[str, list[Symbol]] = {}
        self._index: dict[str, dict[str, list[Symbol]]] = {}

    # ---- headers ----
    def _read_sections(self) -> list[Section]:
        d = self.data
        if not self.e_shoff or not self.e_shnum:
            return []
        raw = []
        for i in range(self.e_shnum):
            off = self.e_shoff + i * self.e_shentsize
            if off + 64 > len(d):
                raise ElfError(f"{self.path}: section header table cut short")
            raw.append(struct.unpack_from("<IIQQQQIIQQ", d, off))
        shstr = raw[self.e_shstrndx] if self.e_shstrndx < len(raw) else None
        out = []
        for (name, typ, flags, addr, offset, size, link, _info, _align, entsize) in raw:
            nm = self._cstr(shstr[4] + name) if shstr else ""
            out.append(Section(nm, typ, flags, addr, offset, size, link, entsize))
        return out

    def _read_segments(self) -> list[Segment]:
        out = []
        for i in range(self.e_phnum):
            off = self.e_phoff + i * self.e_phentsize
            typ, flags, offset, vaddr, _paddr, filesz, memsz, _align = struct.unpack_from("<IIQQQQQQ", self.data, off)
            out.append(Segment(typ, offset, vaddr, filesz, memsz, flags))
        return out

    def _cstr(self, off: int) -> str:
        end = self.data.find(b"\0", off)
        if end < 0:
            end = len(self.data)
        return self.data[off:end].decode("utf-8", "replace")

    # ---- properties ----
    @property
    def first_load_vaddr(self) -> int:
        """The page-aligned vaddr of the first PT_LOAD (0 for PIE and shared libraries)."""
        loads = [s.vaddr - s.offset for s in self.segments if s.type == PT_LOAD]
        return min(loads) if loads else 0

    def section(self, name: str) -> Optional[Section]:
        return self._by_name.get(name)

    def section_data(self, name: str) -> Optional[bytes]:
        s = self._by_name.get(name)
        if s is None or s.type == SHT_NOBITS:
            return None
        return self.data[s.offset:s.offset + s.size]

    # ---- symbols ----
    def symbols(self, table: str = ".symtab") -> list[Symbol]:
        """Every symbol of .symtab or .dynsym in table order (index 0 left out)."""
        if table in self._symbols:
            return self._symbols[table]
        sec = self._by_name.get(table)
        out: list[Symbol] = []
        if sec is not None and sec.type in (SHT_SYMTAB, SHT_DYNSYM):
            strtab = self.sections[sec.link]
            versym = None
            if table == ".dynsym":
                vs = next((s for s in self.sections if s.type == SHT_GNU_versym), None)
                if vs is not None:
                    versym = self.data[vs.offset:vs.offset + vs.size]
            n = sec.size // (sec.entsize or 24)
            cur_file: Optional[str] = None
            d = self.data
            for i in range(1, n):
                name_off, info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", d, sec.offset + i * 24)
                typ, bind = info & 0xF, info >> 4
                name = self._cstr(strtab.offset + name_off) if name_off else ""
                if typ == STT_FILE:
                    cur_file = name
                    continue
                default = True
                if versym is not None and 2 * i + 2 <= len(versym):
                    default = not (struct.unpack_from("<H", versym, 2 * i)[0] & 0x8000)
                out.append(Symbol(name, value, size, typ, bind, shndx,
                                  cur_file if bind == STB_LOCAL else None, table, default))
        self._symbols[table] = out
        return out

    def _symbol_at(self, sec: Section, i: int, versym: Optional[bytes]) -> Symbol:
        name_off, info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, sec.offset + i * 24)
        strtab = self.sections[sec.link]
        default = True
        if versym is not None and 2 * i + 2 <= len(versym):
            default = not (struct.unpack_from("<H", versym, 2 * i)[0] & 0x8000)
        return Symbol(self._cstr(strtab.offset + name_off), value, size, info & 0xF, info >> 4, shndx,
                      None, ".dynsym", default)

    def _gnu_lookup(self, name: str) -> Optional[list[Symbol]]:
        """.dynsym entries named `name` through .gnu.hash, without reading the
        whole table (libc has 3000 symbols); None if there is no .gnu.hash."""
        gh = next((x for x in self.sections if x.type == SHT_GNU_HASH), None)
        dyn = self._by_name.get(".dynsym")
        if gh is None or dyn is None:
            return None
        d = self.data
        nbuckets, symoffset, bloom_size, _shift = struct.unpack_from("<IIII", d, gh.offset)
        if nbuckets == 0:
            return []
        buckets_at = gh.offset + 16 + 8 * bloom_size
        chain_at = buckets_at + 4 * nbuckets
        h = 5381
        raw = name.encode()
        for c in raw:
            h = (h * 33 + c) & 0xFFFFFFFF
        i = struct.unpack_from("<I", d, buckets_at + 4 * (h % nbuckets))[0]
        if i == 0:
            return []
        vs = next((x for x in self.sections if x.type == SHT_GNU_versym), None)
        versym = d[vs.offset:vs.offset + vs.size] if vs is not None else None
        strtab = self.sections[dyn.link]
        out = []
        while True:
            h2 = struct.unpack_from("<I", d, chain_at + 4 * (i - symoffset))[0]
            if (h | 1) == (h2 | 1):
                name_off = struct.unpack_from("<I", d, dyn.offset + i * 24)[0]
                if d[strtab.offset + name_off:strtab.offset + name_off + len(raw) + 1] == raw + b"\0":
                    out.append(self._symbol_at(dyn, i, versym))
            if h2 & 1:
                return out
            i += 1

    def _name_index(self, table: str) -> dict[str, list[Symbol]]:
        idx = self._index.get(table)
        if idx is None and table == ".dynsym" and ".dynsym" not in self._symbols:
            # a lazy index: names looked up one by one through .gnu.hash
            return _HashIndex(self)
        if idx is None:
            idx = {}
            for s in self.symbols(table):
                if s.name:
                    idx.setdefault(s.name, []).append(s)
            self._index[table] = idx
        return idx

    @property
    def has_symtab(self) -> bool:
        return self._by_name.get(".symtab") is not None

    def find(self, name: str, file: Optional[str] = None, tables: tuple[str, ...] = (".symtab", ".dynsym"),
             kind: Optional[str] = None) -> Symbol:
        """The defined symbol `name`; with `file`, the static defined in that source
        file (compared by base name, as STT_FILE holds what gcc was given).

        Without `file`: a global/weak definition wins; a lone local one is taken;
        several locals of that name are ambiguous and raise SymbolLookupError.
        `kind` ("function"/"data") filters on STT_FUNC vs data types."""
        for table in tables:
            cands = [s for s in self._name_index(table).get(name, ()) if s.defined]
            if kind == "function":
                cands = [s for s in cands if s.type in (STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE)]
            elif kind == "data":
                cands = [s for s in cands if s.type in (STT_OBJECT, STT_TLS, STT_NOTYPE, 5)]
            if not cands:
                continue
            if file is not None:
                fb = _basename(file)
                locs = [s for s in cands if s.bind == STB_LOCAL and _basename(s.file) == fb]
                if len(locs) == 1:
                    return locs[0]
                if len(locs) > 1:
                    raise SymbolLookupError(f"{name} is defined {len(locs)} times in files named {fb}")
                # a static that became global (or the file is not recorded): accept the global one
                globs = [s for s in cands if s.bind != STB_LOCAL]
                if globs:
                    return _pick_default(globs)
                continue
            globs = [s for s in cands if s.bind != STB_LOCAL]
            if globs:
                return _pick_default(globs)
            if len(cands) == 1:
                return cands[0]
            files = sorted({str(s.file) for s in cands})
            raise SymbolLookupError(f"{name} is static in several files ({', '.join(files)}): say which")
        where = f" in {file}" if file else ""
        raise SymbolLookupError(f"no symbol {name}{where} in {self.path}")

    # ---- identity ----
    def build_id(self) -> Optional[str]:
        for sec in self.sections:
            if sec.type == SHT_NOTE:
                bid = _parse_notes(self.data[sec.offset:sec.offset + sec.size])
                if bid:
                    return bid
        for seg in self.segments:
            if seg.type == PT_NOTE:
                bid = _parse_notes(self.data[seg.offset:seg.offset + seg.filesz])
                if bid:
                    return bid
        return None

    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class _HashIndex:
    """dict-like view of .dynsym by name through .gnu.hash (falls back to the
    full table when the file has no .gnu.hash)."""

    def __init__(self, e: ElfFile):
        self.e = e

    def get(self, name: str, default=()):
        found = self.e._gnu_lookup(name)
        if found is None:
            self.e._symbols.pop(".dynsym", None)
            full = {}
            for sym in self.e.symbols(".dynsym"):
                full.setdefault(sym.name, []).append(sym)
            self.e._index[".dynsym"] = full
            return full.get(name, default)
        return found or default


_CACHE: dict[tuple, "ElfFile"] = {}


def cached(path: str | os.PathLike) -> ElfFile:
    """The ElfFile of `path`, parsed once per interpreter while the file stays
    the same (libc is 2 MB: every session would read it again otherwise)."""
    st = os.stat(path)
    key = (os.fspath(path), st.st_ino, st.st_size, st.st_mtime_ns)
    e = _CACHE.get(key)
    if e is None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        e = _CACHE[key] = ElfFile(path)
    return e


def _pick_default(syms: list[Symbol]) -> Symbol:
    for s in syms:
        if s.default and s.bind == STB_GLOBAL:
            return s
    for s in syms:
        if s.default:
            return s
    return syms[0]


def _parse_notes(blob: bytes) -> Optional[str]:
    off = 0
    while off + 12 <= len(blob):
        namesz, descsz, typ = struct.unpack_from("<III", blob, off)
        off += 12
        name = blob[off:off + namesz]
        off += (namesz + 3) & ~3
        desc = blob[off:off + descsz]
        off += (descsz + 3) & ~3
        if typ == NT_GNU_BUILD_ID and name.rstrip(b"\0") == b"GNU":
            return desc.hex()
    return None


# ---- module-level helpers (the emitter calls build_id) ----

def build_id(path: str | os.PathLike) -> Optional[str]:
    """Hex of the NT_GNU_BUILD_ID note of an ELF file, or None if it has none."""
    return ElfFile(path).build_id()


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest(path: str | os.PathLike):
    """The Manifest embedded in a patch (.polus_manifest), or None if it has none."""
    from polusgen.manifest import MANIFEST_SECTION, Manifest

    raw = ElfFile(path).section_data(MANIFEST_SECTION)
    text = raw.rstrip(b"\0").decode("utf-8") if raw is not None else ""
    return Manifest.from_json(text) if text else None


def read_manifest(path: str | os.PathLike):
    """The Manifest embedded in a patch (.polus_manifest), or raise ElfError."""
    from polusgen.manifest import MANIFEST_SECTION

    m = manifest(path)
    if m is None:
        raise ElfError(f"{path}: no {MANIFEST_SECTION} section: not a patch built by polusgen")
    return m

