"""What the binary's debug information says about the calls a function makes.

For one function of the running binary: every call it makes itself (not the
calls of code gcc inlined into it), each with its return address, the callee,
the source line of the call, the frame's CFA rule and the callee-saved
registers the function saved at that address (.eh_frame), and where each of
its named variables is at that address (location lists).

pyelftools is imported here only: the apply path never imports this module.
Addresses are link-time addresses (an offset from the load base for PIE).

A rollback reads its patch's debug information each time (about 20 s for
one of vsftpd's): with on_disk, what call_sites() finds is kept in
$POLUS_CACHE_DIR/dwarf/, keyed by the files' content and this module's code.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from elftools.dwarf.callframe import CFARule, RegisterRule
from elftools.dwarf.dwarf_expr import DWARFExprParser
from elftools.dwarf.locationlists import BaseAddressEntry, LocationEntry, LocationExpr, LocationParser
from elftools.elf.elffile import ELFFile

# DWARF register numbers on x86-64 (System V psABI, fig. 3.36)
REG_NAMES = {0: "rax", 1: "rdx", 2: "rcx", 3: "rbx", 4: "rsi", 5: "rdi", 6: "rbp", 7: "rsp",
             8: "r8", 9: "r9", 10: "r10", 11: "r11", 12: "r12", 13: "r13", 14: "r14", 15: "r15"}
CALLEE_SAVED = ("rbx", "rbp", "r12", "r13", "r14", "r15")
DEBUG_DIRS = ("/usr/lib/debug",)


@dataclass
class Location:
    """Where a variable is at a return address.  kind: "reg" (its value is in
    register `reg`), "mem" (its value is in memory at `base` + `offset`, base
    "cfa" or a callee-saved register), "const" (`offset` is its value), or
    "none" (optimized out there; `why` says how)."""
    kind: str
    reg: Optional[str] = None
    base: Optional[str] = None
    offset: int = 0
    why: str = ""


@dataclass
class CallSite:
    return_pc: int
    callee: Optional[str]            # None: an indirect call
    file: str                        # source file and line of the call instruction
    line: int
    inlined_from: Optional[str]      # the inlined function the call belongs to, None if the function's own
    cfa_reg: Optional[str] = None    # CFA = cfa_reg + cfa_offset at return_pc
    cfa_offset: int = 0
    saved: dict[str, int] = field(default_factory=dict)   # callee-saved register -> CFA-relative slot
    cfi_problem: str = ""            # why the frame cannot be rebuilt from the CFI ("" if it can)
    variables: dict[str, Location] = field(default_factory=dict)   # in scope at return_pc, innermost first
    returns_in_rax: bool = True      # the callee returns nothing or an integer/pointer
    offset: int = 0                  # return_pc - the function's first address
    decl_line: int = 0               # where the debug information says the function is declared


class NoDebugInfo(Exception):
    pass


def debug_file_for(binary: Path) -> Optional[Path]:
    """The binary itself if it carries .debug_info, else the separate debug file
    found by build-id under /usr/lib/debug/.build-id (or $POLUS_DEBUG_DIR)."""
    from polusgen import elf

    e = elf.ElfFile(binary)
    if e.section(".debug_info") is not None:
        return binary
    build_id = e.build_id()
    if not build_id:
        return None
    dirs = [os.environ["POLUS_DEBUG_DIR"]] if os.environ.get("POLUS_DEBUG_DIR") else []
    for d in [*dirs, *DEBUG_DIRS]:
        p = Path(d) / ".build-id" / build_id[:2] / (build_id[2:] + ".debug")
        if p.is_file():
            return p
    return None


class DebugInfo:
    """The DWARF of one binary (or of its separate debug file), and the binary's CFI."""

    def __init__(self, binary: Path, on_disk: bool = False):
        dbg = debug_file_for(binary)
        if dbg is None:
            raise NoDebugInfo(f"{binary} has no debug information (build it with -g, or install its debug file "
                              f"under /usr/lib/debug/.build-id)")
        self._paths = (Path(dbg), Path(binary))
        self._files: list = []
        self._cache = _cache_file(*self._paths) if on_disk else None
        self._sites = _load(self._cache) if on_disk else {}    # (name, file) -> the pickled call sites
        self._dirty = False

    def _open(self) -> None:
        if self._files:
            return
        dbg, binary = self._paths
        self._files = [open(dbg, "rb")]
        self.elf = ELFFile(self._files[0])
        self.dwarf = self.elf.get_dwarf_info()
        if dbg != binary:                       # the CFI of the code is in the binary's .eh_frame
            self._files.append(open(binary, "rb"))
            cfi_elf = ELFFile(self._files[-1])
        else:
            cfi_elf = self.elf
        cfi = cfi_elf.get_dwarf_info()
        entries = cfi.EH_CFI_entries() if cfi.has_EH_CFI() else (cfi.CFI_entries() if cfi.has_CFI() else [])
        self._fdes = sorted(((e["initial_location"], e["initial_location"] + e["address_range"], e)
                             for e in entries if "initial_location" in getattr(e, "header", {})), key=lambda t: t[0])
        self._loc = LocationParser(self.dwarf.location_lists())
        self._expr = DWARFExprParser(self.dwarf.structs)
        # read once, asked again for every function (a rollback asks for each resume entry of
        # its patch: 43 copies of vsftpd's main, 3,121 calls; 74 s when each read it all again)
        self._functions: Optional[dict[str, list[tuple]]] = None
        self._lines: dict[int, tuple[list[int], list[tuple[str, int]]]] = {}
        self._parsed: dict[int, object] = {}

    def close(self) -> None:
        for f in self._files:
            f.close()
        if self._dirty and self._cache:
            _store(self._cache, self._sites)

    # ------------------------------------------------------------ functions
    def function(self, name: str, file: Optional[str] = None):
        """(CU, DIE) of the out-of-line code of function `name` (defined in `file`
        if given: a static function may exist once per file), or None."""
        self._open()
        if self._functions is None:
            self._functions = {}
            for cu in self.dwarf.iter_CUs():
                cu_name = _attr(cu.get_top_DIE(), "DW_AT_name") or b""
                cu_name = cu_name.decode() if isinstance(cu_name, bytes) else cu_name
                for die in cu.iter_DIEs():
                    if die.tag == "DW_TAG_subprogram" and "DW_AT_low_pc" in die.attributes:
                        self._functions.setdefault(_name(die), []).append((cu, die, Path(cu_name).name))
        for cu, die, cu_file in self._functions.get(name, []):
            if not file or cu_file == Path(file).name:
                return cu, die
        return None

    def call_sites(self, name: str, file: Optional[str] = None) -> list[CallSite]:
        """Every call `name` makes itself, by return address (the callers change them: a fresh copy each time)."""
        if (name, file) not in self._sites:
            self._open()
            self._sites[name, file] = pickle.dumps(self._read_call_sites(name, file))
            self._dirty = True
        return pickle.loads(self._sites[name, file])

    def _read_call_sites(self, name: str, file: Optional[str]) -> list[CallSite]:
        found = self.function(name, file)
        if found is None:
            return []
        cu, fn = found
        lines = self._line_rows(cu)
        out = []
        for die, inlined in _walk_calls(fn):
            pc = _attr(die, "DW_AT_call_return_pc")
            if pc is None:
                pc = _attr(die, "DW_AT_low_pc")          # DW_TAG_GNU_call_site (DWARF 4)
            if pc is None:
                continue
            origin = _ref(die, "DW_AT_call_origin") or _ref(die, "DW_AT_abstract_origin")
            callee = _name(origin) if origin is not None else None
            file_, line = _line_at(lines, pc - 1)
            site = CallSite(pc, callee, file_, line, inlined,
                            returns_in_rax=origin is None or _returns_in_rax(origin),
                            offset=pc - _attr(fn, "DW_AT_low_pc"), decl_line=_attr(fn, "DW_AT_decl_line") or 0)
            self._frame_at(site)
            site.variables = self._variables_at(cu, fn, pc, site)
            out.append(site)
        return sorted(out, key=lambda s: s.return_pc)

    # ------------------------------------------------------------ CFI
    def _frame_at(self, site: CallSite) -> None:
        pc = site.return_pc
        fde = next((e for lo, hi, e in self._fdes if lo <= pc < hi), None)
        if fde is None:
            site.cfi_problem = "no CFI covers the return address"
            return
        row = None
        for r in fde.get_decoded().table:
            if r["pc"] <= pc:
                row = r
        cfa: CFARule = row["cfa"] if row else None
        if cfa is None or cfa.expr is not None or cfa.reg not in (6, 7):
            site.cfi_problem = "the frame's CFA is not rsp or rbp plus an offset"
            return
        site.cfa_reg, site.cfa_offset = REG_NAMES[cfa.reg], cfa.offset
        for regno, rule in row.items():
            if not isinstance(regno, int) or REG_NAMES.get(regno) not in CALLEE_SAVED:
                continue
            if rule.type == RegisterRule.OFFSET:
                site.saved[REG_NAMES[regno]] = rule.arg
            elif rule.type not in (RegisterRule.SAME_VALUE, RegisterRule.UNDEFINED):
                site.cfi_problem = f"{REG_NAMES[regno]} is saved by a rule we do not follow ({rule.type})"

    # ------------------------------------------------------------ variables
    def _variables_at(self, cu, fn, pc: int, site: CallSite) -> dict[str, Location]:
        base = _attr(cu.get_top_DIE(), "DW_AT_low_pc") or 0
        out: dict[str, Location] = {}
        for die in _scope_at(fn, pc):
            name = _name(die)
            if not name or name in out:
                continue
            out[name] = self._location(die, pc, base, cu, site)
        return out

    def _location(self, die, pc: int, cu_base: int, cu, site: CallSite) -> Location:
        attr = die.attributes.get("DW_AT_location")
        if attr is None:
            return Location("none", why="optimized out")
        parsed = self._parsed.get(die.offset)
        if parsed is None:
            parsed = self._parsed[die.offset] = self._loc.parse_from_attribute(attr, cu["version"], die)
        if isinstance(parsed, LocationExpr):
            expr = parsed.loc_expr
        else:
            expr, base = None, cu_base
            for e in parsed:
                if isinstance(e, BaseAddressEntry):
                    base = e.base_address
                elif isinstance(e, LocationEntry):
                    lo, hi = (e.begin_offset, e.end_offset) if e.is_absolute else \
                        (base + e.begin_offset, base + e.end_offset)
                    if lo <= pc < hi:
                        expr = e.loc_expr
                        break
            if expr is None:
                return Location("none", why="optimized out")
        return self._decode(expr, site)

    def _decode(self, expr, site: CallSite) -> Location:
        ops = self._expr.parse_expr(expr)
        names = [o.op_name for o in ops]
        if len(ops) == 1 and names[0].startswith("DW_OP_reg"):
            reg = REG_NAMES.get(_regno(ops[0]))
            if reg in CALLEE_SAVED:
                return Location("reg", reg=reg)
            return Location("none", why=f"held in {reg}, which the call does not preserve")
        if len(ops) == 1 and names[0] == "DW_OP_fbreg":
            return Location("mem", base="cfa", offset=ops[0].args[0])      # frame base is DW_OP_call_frame_cfa
        if len(ops) == 1 and names[0].startswith("DW_OP_breg"):
            reg = REG_NAMES.get(_regno(ops[0]))
            if reg == "rsp" and site.cfa_reg == "rsp":
                return Location("mem", base="cfa", offset=ops[0].args[0] - site.cfa_offset)
            if reg in CALLEE_SAVED:
                return Location("mem", base=reg, offset=ops[0].args[0])
            return Location("none", why=f"addressed from {reg}, which the call does not preserve")
        if names[-1:] == ["DW_OP_stack_value"] and len(ops) == 2:
            if names[0].startswith("DW_OP_lit"):
                return Location("const", offset=int(names[0][len("DW_OP_lit"):]))
            if names[0] in ("DW_OP_const1u", "DW_OP_const1s", "DW_OP_const2u", "DW_OP_const2s",
                            "DW_OP_const4u", "DW_OP_const4s", "DW_OP_const8u", "DW_OP_const8s",
                            "DW_OP_constu", "DW_OP_consts"):
                return Location("const", offset=ops[0].args[0])
        if "DW_OP_entry_value" in names or "DW_OP_GNU_entry_value" in names:
            return Location("none", why="known only as its value at the function's entry")
        if names and names[0] == "DW_OP_addr":
            return Location("none", why="a static variable (not in the frame)")
        return Location("none", why=f"a location we do not read ({' '.join(names)})")

    # ------------------------------------------------------------ lines
    def _line_rows(self, cu) -> tuple[list[int], list[tuple[str, int]]]:
        """The CU's line table sorted by address: (addresses, (file, line) of each)."""
        if cu.cu_offset in self._lines:
            return self._lines[cu.cu_offset]
        prog = self.dwarf.line_program_for_CU(cu)
        rows = []
        if prog is not None:
            files = prog["file_entry"]
            v5 = prog.header["version"] >= 5
            for e in prog.get_entries():
                st = e.state
                if st is None or st.end_sequence:
                    continue
                idx = st.file if v5 else st.file - 1
                fname = files[idx].name.decode() if 0 <= idx < len(files) else "?"
                rows.append((st.address, fname, st.line))
        rows.sort(key=lambda r: r[0])
        out = self._lines[cu.cu_offset] = ([r[0] for r in rows], [r[1:] for r in rows])
        return out


# ---------------------------------------------------------------- DIE helpers

def _attr(die, name):
    a = die.attributes.get(name) if die is not None else None
    return a.value if a is not None else None


def _ref(die, name):
    if name not in die.attributes:
        return None
    try:
        return die.get_DIE_from_attribute(name)
    except Exception:       # noqa: BLE001 - a reference pyelftools cannot follow: treated as unknown
        return None


def _name(die) -> Optional[str]:
    seen = 0
    while die is not None and seen < 8:
        n = _attr(die, "DW_AT_name")
        if n is not None:
            return n.decode() if isinstance(n, bytes) else n
        die = _ref(die, "DW_AT_abstract_origin") or _ref(die, "DW_AT_specification")
        seen += 1
    return None


def _regno(op) -> int:
    suffix = op.op_name[len("DW_OP_breg"):] if op.op_name.startswith("DW_OP_breg") else op.op_name[len("DW_OP_reg"):]
    return int(suffix) if suffix.isdigit() else op.args[0]


def _returns_in_rax(fn) -> bool:
    t = _ref(fn, "DW_AT_type")
    while t is not None and t.tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type"):
        t = _ref(t, "DW_AT_type")
    if t is None or t.tag in ("DW_TAG_pointer_type", "DW_TAG_enumeration_type"):
        return True
    if t.tag == "DW_TAG_base_type":
        return _attr(t, "DW_AT_encoding") not in (4, 3)         # DW_ATE_float, DW_ATE_complex_float
    return False


def _covers(die, pc: int) -> bool:
    lo = _attr(die, "DW_AT_low_pc")
    if lo is not None:
        hi = die.attributes["DW_AT_high_pc"]
        end = hi.value if hi.form == "DW_FORM_addr" else lo + hi.value
        return lo <= pc < end
    if "DW_AT_ranges" in die.attributes:
        cu = die.cu
        rl = cu.dwarfinfo.range_lists()
        if rl is None:
            return False
        base = _attr(cu.get_top_DIE(), "DW_AT_low_pc") or 0
        for r in rl.get_range_list_at_offset(die.attributes["DW_AT_ranges"].value, cu=cu):
            if hasattr(r, "base_address"):
                base = r.base_address
                continue
            lo_, hi_ = (r.begin_offset, r.end_offset) if getattr(r, "is_absolute", False) else \
                (base + r.begin_offset, base + r.end_offset)
            if lo_ <= pc < hi_:
                return True
    return False


def _scope_at(fn, pc: int) -> list:
    """The variables and parameters of `fn` in scope at pc, innermost scope first."""
    scopes = [fn]
    node = fn
    while True:
        inner = next((c for c in node.iter_children() if c.tag == "DW_TAG_lexical_block" and _covers(c, pc)), None)
        if inner is None:
            break
        scopes.append(inner)
        node = inner
    out = []
    for s in reversed(scopes):
        out += [c for c in s.iter_children() if c.tag in ("DW_TAG_variable", "DW_TAG_formal_parameter")]
    return out


def _walk_calls(fn):
    """(call-site DIE, name of the inlined function it belongs to or None)."""
    def walk(die, inlined):
        for c in die.iter_children():
            if c.tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
                yield c, inlined
            elif c.tag == "DW_TAG_lexical_block":
                yield from walk(c, inlined)
            elif c.tag == "DW_TAG_inlined_subroutine":
                yield from walk(c, inlined or _name(c) or "?")
    yield from walk(fn, None)


def cache_entries() -> list[Path]:
    from polusgen.frontend.cache import cache_dir

    return sorted((cache_dir() / "dwarf").glob("*.pickle"))


def _cache_file(dbg: Path, binary: Path) -> Path:
    from polusgen.frontend.cache import cache_dir

    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in dict.fromkeys((dbg, binary)):
        h.update(p.read_bytes())
    return cache_dir() / "dwarf" / f"{h.hexdigest()[:32]}.pickle"


def _load(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:       # noqa: BLE001 - no entry, or one cut short: read the files again
        return {}


def _store(path: Path, sites: dict) -> None:
    from polusgen.frontend.cache import write_whole

    write_whole(path, pickle.dumps(sites))


def _line_at(rows: tuple[list[int], list[tuple[str, int]]], addr: int) -> tuple[str, int]:
    """(file, line) of the last row at or before addr (of equal addresses, the last)."""
    addrs, where = rows
    i = bisect.bisect_right(addrs, addr)
    return where[i - 1] if i else ("?", 0)
