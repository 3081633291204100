"""The shared vocabulary of the pipeline.

Plain dataclasses, no behaviour beyond small helpers.  Every stage reads and
writes these and nothing else:

    frontend  ->  Program            (one per version)
    diff      ->  ChangeSet          (two Programs compared)
    graph     ->  UseGraph facts     (f2d, d2f, promoted callers, never-left)
    plan      ->  PatchPlan          (names, imports, spelled code, sync, findings)   [polusgen.plan]

Keys
----
Entities are looked up by a *key* that is stable across versions:

* types:      "struct A", "union U", "enum E", "typedef T"
* globals and functions with external linkage: their name, "counter"
* `static` globals and functions: "name@file", where file is the path of the
  defining translation unit relative to the version's root ("count@log.c").
  Two statics of the same name in different files therefore both survive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional


# --------------------------------------------------------------------------
# Program: what the frontend produces for one version
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Coord:
    """A source position.  `file` is relative to the version root for program
    files and the header's name (e.g. "sys/socket.h") for system headers."""
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def static_key(name: str, file: str) -> str:
    return f"{name}@{file}"


def ref_key(node) -> Optional[tuple]:
    """Where an identifier (a pycparser c_ast.ID) stands: its position and
    name, which copies of the node keep.  The key of FunctionEntity.refs and
    GlobalEntity.refs."""
    c = node.coord
    if c is None:
        return None
    return (c.file, c.line, c.column, node.name)


def split_key(key: str) -> tuple[str, Optional[str]]:
    """"count@log.c" -> ("count", "log.c"); "main" -> ("main", None)."""
    if "@" in key:
        name, file = key.split("@", 1)
        return name, file
    return key, None


@dataclass
class TypeEntity:
    key: str                 # "struct A", "typedef T", ...
    kind: str                # "struct" | "union" | "enum" | "typedef"
    name: str                # "A", "T"
    node: Any                # pycparser node of the *definition* (Struct/Union/Enum with body, or Typedef)
    coord: Coord
    system: bool             # declared in a system header (fake_libc_include): never emitted
    text: str                # canonical C text of the definition (coordinates/comments/whitespace free)
    deps: set[str] = field(default_factory=set)           # type keys referred to in any way
    deps_by_value: set[str] = field(default_factory=set)  # type keys contained by value (layout)


@dataclass
class GlobalEntity:
    key: str                 # "name" or "name@file"
    name: str
    file: str                # defining translation unit (relative path)
    static: bool
    node: Any                # pycparser c_ast.Decl of the definition
    coord: Coord
    type_text: str           # canonical C text of the declared type, e.g. "struct AB" or "int [16]"
    type_deps: set[str] = field(default_factory=set)
    init_text: Optional[str] = None   # canonical initializer text, None if none
    const: bool = False      # declared const: never written, never protected
    extern_only: bool = False  # only `extern` declarations were seen (defined elsewhere / not in the program)
    refs: dict = field(default_factory=dict)  # what its type's and initializer's identifiers name (frontend.scopes)


@dataclass
class FunctionEntity:
    key: str
    name: str
    file: str                # defining translation unit (relative path)
    static: bool
    inline: bool
    node: Any                # pycparser c_ast.FuncDef
    coord: Coord
    signature_text: str      # canonical "ret name(params)" with parameter names dropped
    body_text: str           # canonical body text (what the compiler sees after the program's macros)
    sig_type_deps: set[str] = field(default_factory=set)   # types in return/parameter types
    type_deps: set[str] = field(default_factory=set)       # every type used (signature, locals, casts, sizeof, enumerators)
    calls: set[str] = field(default_factory=set)           # program function keys called directly
    reads: set[str] = field(default_factory=set)           # program global keys read
    writes: set[str] = field(default_factory=set)          # program global keys written (assigned, ++, address taken)
    addr_taken: set[str] = field(default_factory=set)      # program function keys used as values
    loops_forever: bool = False   # a loop with no way out (for(;;) / while(1) left only in a forked child, if at all)
    # what each identifier of the definition names: frontend.scopes.ref_key(ID) ->
    # ("global" | "function" | "enum", key); locals and member names have no entry
    refs: dict = field(default_factory=dict)
    end_line: int = 0
    # a loop otherwise never left, whose only ways out are these (a global
    # flag such as "config.quit", "epoll_wait fails"): see frontend/tu.py loop_exit
    loop_exit: Optional[str] = None
    # called names nothing in scope declares: an implicitly declared function,
    # or a macro of the real headers that parses as a call (FD_ZERO)
    undeclared_calls: set[str] = field(default_factory=set)
    # called names whose declared value comes back elsewhere than in rax (a struct, a float)
    calls_not_in_rax: set[str] = field(default_factory=set)


@dataclass
class Program:
    """One version of a program: every translation unit merged."""
    root: str                                   # folder (or file) it was loaded from
    files: list[str] = field(default_factory=list)          # translation units, relative paths
    types: dict[str, TypeEntity] = field(default_factory=dict)
    globals: dict[str, GlobalEntity] = field(default_factory=dict)
    functions: dict[str, FunctionEntity] = field(default_factory=dict)
    # TU -> system headers it includes, directly or through the program's own headers,
    # in first-seen order, spelled as in `#include <...>`: ["stdio.h", "sys/socket.h"]
    system_includes: dict[str, list[str]] = field(default_factory=dict)
    enumerators: dict[str, str] = field(default_factory=dict)   # enumerator name -> enum type key
    # extra options the program was compiled with (-I/-D), kept for building the patch
    cflags: list[str] = field(default_factory=list)
    warnings: list["Warning_"] = field(default_factory=list)   # e.g. one struct tag defined two ways in two files
    # type key -> (TU, its definition) for a type another TU reads differently (the
    # type-conflict warning): the patch makes one view of both (polusgen.plan.spell merged_view)
    type_variants: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    # TU -> how it configures and includes the system headers, in source order:
    # ["#include <limits.h>", "#define __USE_GNU", "#include <utmpx.h>"].  Feature
    # macros (_GNU_SOURCE, _FILE_OFFSET_BITS, __USE_*) change what the real
    # headers declare and how structs are laid out; a patch must repeat them
    # before the same includes.  (Added by the frontend; system_includes is the
    # #include subset; polusgen.plan.prologue builds the patch's from both.)
    system_prologue: dict[str, list[str]] = field(default_factory=dict)

    def all_system_includes(self) -> list[str]:
        return _first_seen(self.files, self.system_includes)

    def all_system_prologue(self) -> list[str]:
        """Every TU's prologue lines, first-seen order, each once."""
        return _first_seen(self.files, self.system_prologue)


def _first_seen(files: list[str], per_file: dict[str, list[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for tu in files:
        for item in per_file.get(tu, []):
            seen.setdefault(item, None)
    return list(seen)


# --------------------------------------------------------------------------
# ChangeSet: what the diff produces
# --------------------------------------------------------------------------

class Kind(str, Enum):
    TYPE = "type"
    GLOBAL = "global"
    FUNCTION = "function"


class Status(str, Enum):
    ADDED = "added"
    DELETED = "deleted"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass
class Change:
    kind: Kind
    key: str
    status: Status
    reasons: list[str] = field(default_factory=list)   # human readable, e.g. "contains changed type struct A"
    old: Any = None          # entity in the old Program (None if added)
    new: Any = None          # entity in the new Program (None if deleted)
    # functions only: the signature changed, so the new version is "added" under
    # a new name and old callers keep the old one (paper §3.1.1)
    signature_changed: bool = False
    # globals only: the initializer changed but the type did not (the running value wins)
    initializer_only: bool = False

    @property
    def entity(self) -> Any:
        return self.new if self.new is not None else self.old


WARNING, ERROR = "warning", "error"


@dataclass(frozen=True)
class Warning_:
    """A finding for the user, tied to a place in the source.  Severity
    "warning": the patch is right as far as polusgen can tell, read it;
    "error": the patch would not carry the program's state (user code must
    cover it, or the user forces it)."""
    code: str                # short id: "version-consistency", "never-left", "alias", "void-cast", ...
    message: str
    coord: Optional[Coord] = None
    severity: str = WARNING  # WARNING | ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = f"{self.coord}: " if self.coord else ""
        return f"{where}{self.severity}[{self.code}]: {self.message}"


@dataclass
class ChangeSet:
    old: Program
    new: Program
    types: dict[str, Change] = field(default_factory=dict)
    globals: dict[str, Change] = field(default_factory=dict)
    functions: dict[str, Change] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)
    promoted: dict[str, str] = field(default_factory=dict)   # caller key -> reason (callee whose signature changed)
    # the keys of the changed types and globals, computed once by the diff (steps 1 and 2)
    changed_types: frozenset[str] = frozenset()
    changed_globals: frozenset[str] = frozenset()
    # filled by polusgen.graph
    # version ("old"/"new") -> never-left function key -> why (graph.never_left_functions, run once per version)
    never_left_why: dict[str, dict[str, str]] = field(default_factory=dict)
    f2d: dict[str, set[str]] = field(default_factory=dict)   # old function key -> changed global keys it uses
    d2f: dict[str, set[str]] = field(default_factory=dict)   # changed global key -> old function keys using it
    never_left: set[str] = field(default_factory=set)        # function keys that never return (main, event loops)
    graph: Any = None        # the call/use graph (networkx): who calls, reads and writes what, in both versions
    written_globals: frozenset[str] = frozenset()   # globals a function of either version writes (its write edges)
    # filled by polusgen.transfer with --binary: never-left function key -> its transfer points
    transfers: dict[str, list] = field(default_factory=dict)

    def section(self, kind: Kind) -> dict[str, Change]:
        return {Kind.TYPE: self.types, Kind.GLOBAL: self.globals, Kind.FUNCTION: self.functions}[kind]

    def with_status(self, kind: Kind, *statuses: Status) -> list[Change]:
        return [c for c in self.section(kind).values() if c.status in statuses]

    def counts(self) -> dict[str, dict[str, int]]:
        """The paper's Table 1: {"functions": {"added": n, "deleted": n, "changed": n}, ...}."""
        out: dict[str, dict[str, int]] = {}
        for label, kind in (("functions", Kind.FUNCTION), ("types", Kind.TYPE), ("globals", Kind.GLOBAL)):
            sec = self.section(kind)
            out[label] = {s.value: sum(1 for c in sec.values() if c.status is s)
                          for s in (Status.ADDED, Status.DELETED, Status.CHANGED)}
        return out
