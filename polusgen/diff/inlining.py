"""Step 4 (with the running binary): callers into which gcc inlined a changed function.

The running program was built with plain `gcc -O2`, which inlines small
functions.  Redirecting a changed function g at its entry does nothing for a
caller f that carries its own copy of g: f must be replaced too.  For every
changed g and every caller f in the old source we look in the binary whether
f's code (its symbol and its .part/.cold pieces) still calls or jumps to g's
entry.  If not, g lives on inside f, so f is changed ("inlines changed
function g") and checked in turn against its own callers.  If f calls a
whole copy gcc made of g (g.isra.N, g.constprop.N), the jump written at g's
entry does not reach that copy either, so f is changed too.  Calls to
g.part.N mean only part of g was inlined, which counts as inlined.  A caller
with no symbol of its own was itself inlined: we look in its callers instead.
A changed g whose code is shorter than the jump a redirect writes at its
entry (a lone `ret`) cannot be redirected either: a caller that calls it is
changed too, as if g were inlined there.

Symbols come from polusgen.elf (static functions told apart by the FILE
symbol that precedes them), calls from `objdump -d --no-show-raw-insn`.

Later in a chain a function's live version may be in an earlier patch's
library (`homes`, from the version file): its code object is that .so, where
it is looked up by its exact current name (`cmd_pwd_v1`, with its clones and
its PLT stub, through which the patch's other functions call it).  A caller
in the same patch as g is analysed there; a caller in the binary as above,
against g's binary symbols (g's entry there jumps on to its live version); a
caller in a patch reaches a g of another object through the patch's symbol
table, so nothing is inlined -- unless g has no symbol at all, when the
patch carries a private copy of it.  A never-left caller (main) is looked at
in the binary whatever its home: its running activation is the binary's.
"""
from __future__ import annotations

import bisect
import re
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Optional

from polusgen import elf
from polusgen.errors import PolusError
from polusgen.inject.jumps import REL32_LEN
from polusgen.model import ChangeSet, FunctionEntity, Program, Status, Warning_, static_key

if TYPE_CHECKING:
    from polusgen.versionfile import VersionFile

_INSN = re.compile(r"^\s*([0-9a-f]+):\s+(?:bnd\s+|notrack\s+)?(call|j[a-z]+)\w*\s+([0-9a-f]+)\s+<")
_PLT = re.compile(r"^([0-9a-f]+) <([^@>]+)@plt>:$")
_CLONE = re.compile(r"^(?P<base>[^.]+)\.(?P<kind>isra|constprop|part|cold|lto_priv|localalias)(?:\.\d+)*")


@dataclass(frozen=True)
class Sym:
    name: str       # as in the binary: "foo", "foo.part.0", "foo.cold"
    addr: int
    size: int
    local: bool
    file: Optional[str]   # the FILE symbol before a local symbol

    @property
    def base(self) -> str:
        m = _CLONE.match(self.name)
        return m.group("base") if m else self.name

    @property
    def clone_kind(self) -> Optional[str]:
        m = _CLONE.match(self.name)
        return m.group("kind") if m else None


class BinaryCode:
    """Function symbols of an executable or a patch library and the direct calls/jumps between them."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise PolusError(f"{self.path}: no such binary")
        self.symbols = read_symbols(self.path)
        self.by_base: dict[str, list[Sym]] = {}
        for s in self.symbols:
            self.by_base.setdefault(s.base, []).append(s)
        self._insns, self._plt = _read_branches(self.path)
        self._insn_addrs = [a for a, _ in self._insns]

    def symbols_of(self, fn: FunctionEntity) -> list[Sym]:
        """The function's own code: its symbol and its clones/pieces."""
        syms = self.by_base.get(fn.name, [])
        if fn.static:
            base = PurePosixPath(fn.file).name
            mine = [s for s in syms if s.local and s.file and PurePosixPath(s.file).name == base]
            # gcc names clones of a static function after it even when they end up elsewhere
            return mine or ([s for s in syms if s.local] if len({s.file for s in syms if s.local}) <= 1 else [])
        return [s for s in syms if not s.local or s.clone_kind]

    def symbols_named(self, name: str) -> list[Sym]:
        """A patch library's function by its exact symbol name (the FILE symbol
        there is the patch's own .c): its code, clones, pieces and PLT stub."""
        syms = list(self.by_base.get(name, []))
        if syms and name in self._plt:
            syms.append(Sym(name, self._plt[name], 0, False, None))
        return syms

    def targets_from(self, syms: list[Sym]) -> set[int]:
        out: set[int] = set()
        for s in syms:
            lo = bisect.bisect_left(self._insn_addrs, s.addr)
            hi = bisect.bisect_left(self._insn_addrs, s.addr + max(s.size, 1))
            out.update(t for _, t in self._insns[lo:hi])
        return out


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError as e:
        raise PolusError(f"{cmd[0]} not found (binutils): needed to read {cmd[-1]}") from e
    except subprocess.CalledProcessError as e:
        raise PolusError(f"{cmd[-1]}: {cmd[0]} failed: {e.stderr.strip()}") from e


def read_symbols(path: Path, kinds: tuple[int, ...] = (elf.STT_FUNC,)) -> list[Sym]:
    """The defined symbols of `kinds` (elf.STT_FUNC, STT_OBJECT, STT_TLS) in .symtab; a local one
    with the FILE symbol before it."""
    try:
        syms = elf.ElfFile(path).symbols(".symtab")
    except (OSError, elf.ElfError) as e:
        raise PolusError(f"{path}: cannot read its symbols: {e}") from e
    return [Sym(s.name.split("@")[0], s.value, s.size, s.bind == elf.STB_LOCAL, s.file)
            for s in syms if s.type in kinds and s.defined and s.name]


def _read_branches(path: Path) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """The direct calls/jumps (address, target), and the PLT stubs objdump names `<name@plt>`."""
    out, plt = [], {}
    for line in _run(["objdump", "-d", "--no-show-raw-insn", str(path)]).splitlines():
        m = _INSN.match(line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(3), 16)))
        elif (m := _PLT.match(line)):
            plt[m.group(2)] = int(m.group(1), 16)
    out.sort()
    return out, plt


# clones that are a whole copy of the function under another symbol
_WHOLE_CLONES = ("isra", "constprop")


def _entries(g_syms: list[Sym]) -> list[Sym]:
    """The symbols a call to the function itself goes to (not its clones or pieces)."""
    return [s for s in g_syms if s.clone_kind not in ("part", "cold") + _WHOLE_CLONES]


def too_short_to_redirect(g_syms: list[Sym]) -> Optional[Sym]:
    """g's entry in the binary, if it is shorter than the jump that would
    redirect it (a lone `ret`): then, like a function gcc inlined, its callers
    carry the change."""
    entries = _entries(g_syms)
    return entries[0] if entries and all(0 < s.size < REL32_LEN for s in entries) else None


def how_f_reaches(g: str, targets: set[int], g_syms: list[Sym], where: str = "the binary") -> Optional[str]:
    """None if f's code calls g's own entry (a redirect at g's entry reaches
    it) and no clone of g; else why f must be replaced with g."""
    if not g_syms:
        return f"inlines changed function {g}: it has no symbol in {where}"
    clones = sorted(s.name for s in g_syms if s.clone_kind in _WHOLE_CLONES and s.addr in targets)
    if clones:
        return (f"calls {', '.join(clones)}, a copy gcc made of changed function {g}: "
                f"the jump at {g}'s entry does not reach it")
    if targets & {s.addr for s in _entries(g_syms)}:
        return None
    parts = {s.addr for s in g_syms if s.clone_kind == "part"}
    if targets & parts:
        return f"inlines part of changed function {g}: it calls only the rest, {g}.part"
    return f"inlines changed function {g}: no call to it left in {where}"


def homes_from_version_file(vf: VersionFile, prog: Program) -> tuple[dict[str, tuple[Path, str]], list[Warning_]]:
    """For promote_inlined: the functions of `prog` (keyed as in it) whose live
    version the VersionFile `vf` puts in a patch library, with that .so and
    their symbol name there.  A .so is looked for in the version file's folder,
    else where it was recorded (write_patch records the path it was given); a
    missing one is named in a warning, and its functions count as the binary's."""
    from polusgen.versionfile import vf_key

    homes: dict[str, tuple[Path, str]] = {}
    missing: dict[str, list[str]] = {}
    folder = Path(vf.path).parent if vf.path else Path(".")
    for key, fn in prog.functions.items():
        rec = vf.lookup("functions", vf_key(fn))
        if rec is None or rec.deleted or rec.lib is None or not rec.so:
            continue
        so = folder / rec.so
        if not so.is_file() and Path(rec.so).is_file():
            so = Path(rec.so)
        if so.is_file():
            homes[key] = (so, rec.name)
        else:
            missing.setdefault(rec.so, []).append(key)
    warnings = [Warning_("patch-library-missing",
                         f"patch library {so} is missing (looked for in {folder} and as recorded): {vf.path} puts "
                         f"the live version of {', '.join(sorted(keys))} there; what gcc inlined is looked for "
                         "in the binary instead")
                for so, keys in sorted(missing.items())]
    return homes, warnings


def promote_inlined(cs: ChangeSet, binary: Path,
                    homes: Optional[dict[str, tuple[Path, str]]] = None) -> None:
    """`homes`: function key -> (patch .so, symbol name there) for the functions
    whose live version is in an earlier patch's library; the rest are the binary's."""
    from polusgen.graph import OLD, activation_lives_on

    code = BinaryCode(binary)
    if not code.symbols:
        cs.warnings.append(Warning_("no-symbols", f"{binary} has no symbol table (stripped?): "
                                    "cannot tell which changed functions gcc inlined"))
        return
    old = cs.old
    callers: dict[str, set[str]] = {}
    for key, fn in old.functions.items():
        for callee in fn.calls:
            callers.setdefault(callee, set()).add(key)
    never_left = cs.never_left_why[OLD]
    libs: dict[Path, BinaryCode] = {}

    def home_of(key: str) -> Optional[tuple[Path, str]]:
        fn = old.functions[key]
        # a static paired across a renamed file keeps its own file: its key in `homes`
        return (homes or {}).get(static_key(fn.name, fn.file) if fn.static else key)

    def home(key: str) -> tuple[BinaryCode, list[Sym]]:
        """The code object the live version of `key` is in, and its symbols there."""
        rec = home_of(key)
        if rec is None:
            return code, code.symbols_of(old.functions[key])
        so, name = Path(rec[0]).resolve(), rec[1]
        if so not in libs:
            libs[so] = BinaryCode(so)
        return libs[so], libs[so].symbols_named(name)

    def changed_code(key: str) -> bool:
        ch = cs.functions.get(key)
        return ch is not None and ch.old is not None and ch.status in (Status.CHANGED, Status.ADDED)

    work = deque(sorted(k for k in cs.functions if changed_code(k)))
    seen = set(work)
    while work:
        g = work.popleft()
        g_fn = old.functions[g]
        g_obj, g_syms = home(g)
        if not g_syms:
            what = ("gcc inlined it into every caller, so every caller must be replaced"
                    if callers.get(g, set()) - {g} else "nothing calls it and gcc dropped it")
            cs.warnings.append(Warning_("inlined", f"changed function {g} has no symbol in {g_obj.path.name}: {what}",
                                        g_fn.coord))
        g_bin = g_syms if g_obj is code else code.symbols_of(g_fn)
        # only the binary's code: the plan redirects the version a patch holds whatever its size
        short = too_short_to_redirect(g_bin) if g_obj is code else None
        # callers in the old source; one with no symbol in the binary was inlined there: look in its callers
        todo = deque((f, ()) for f in sorted(callers.get(g, ())) if f != g)
        visited: set[str] = set()
        while todo:
            f, via = todo.popleft()
            if f in visited:
                continue
            visited.add(f)
            f_bin = code.symbols_of(old.functions[f])
            if not f_bin:
                todo.extend((up, via + (f,)) for up in sorted(callers.get(f, ())) if up not in visited)
            lives_on = f in never_left and activation_lives_on(never_left[f])
            if lives_on:
                f_obj, f_syms = code, f_bin   # its running activation is the binary's, wherever later calls go
            else:
                f_obj, f_syms = home(f)
            if f_obj is code:
                # f's call to g's entry in the binary jumps on to g's live version
                where, entries = code, g_bin
            elif (f_obj is g_obj and not via) or (not g_syms and not any(map(home_of, via))):
                # in g's own patch; or g has no entry anywhere, so f's patch carries a copy of it
                # (inside its copies of the callees in `via`, which have none either)
                where, entries = f_obj, g_syms
            else:
                continue  # f's patch calls g's entry through its symbol table
            if not f_syms:
                continue
            why = how_f_reaches(g, where.targets_from(f_syms), entries,
                                "the binary" if code in (where, g_obj) else g_obj.path.name)
            carried = "is inlined into"
            if why is None and short is not None and where is code:
                carried = "cannot be redirected and is called from"
                why = (f"calls changed function {g}, whose code in the binary is only {short.size} bytes long, "
                       f"shorter than a {REL32_LEN}-byte jump: its entry cannot be redirected")
            if why is None:
                continue  # f really calls g: the jump at g's entry reaches it
            through = f" (through inlined {' <- '.join(reversed(via))})" if via else ""
            reason = why + through
            ch = cs.functions[f]
            if reason not in ch.reasons:
                ch.reasons.append(reason)
            if ch.status is Status.UNCHANGED:
                ch.status = Status.CHANGED
                cs.promoted.setdefault(f, reason)
            if lives_on:
                cs.warnings.append(Warning_(
                    "inlined-never-left", f"changed function {g} {carried} {f}, which is never left "
                                          f"({never_left[f]}): the update cannot take effect there",
                    old.functions[f].coord))
            if f not in seen and changed_code(f):
                seen.add(f)
                work.append(f)
