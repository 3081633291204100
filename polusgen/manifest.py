"""The patch manifest: what a patch needs from the process it is applied to.

Written by the emitter into the patch itself (an ELF section named
`.polus_manifest` holding this JSON, so the .so and its manifest can never be
separated) and, for people, beside it as `patch.so.json` by `polusgen build`.
Read by the injector.  Standard library only: the apply path imports it.

Order matters: `imports[i]` is `polus_imports[i]` in the patch, and the order
of `old_functions` / `new_functions` / `data` is the order in which
register_patch() registers them, so runtime ids equal list indices.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Optional

MANIFEST_SECTION = ".polus_manifest"
ABI_VERSION = 2


@dataclass
class Import:
    name: str                    # symbol name as it is in the target ("foo", or "foo_v1" from an earlier patch)
    kind: str                    # "function" | "data"
    file: Optional[str] = None   # source file of a static symbol ("log.c"), else None
    lib: Optional[str] = None    # name of the earlier patch that defines it, None for the program itself


@dataclass
class OldFunction:
    name: str                    # key of the entity in the old version ("foo", "helper@log.c")
    import_index: int            # where its address is in polus_imports
    never_left: bool = False


@dataclass
class NewFunction:
    name: str                    # key of the entity in the new version
    symbol: str                  # exported symbol in this patch ("foo_v1", or a stub)
    stub: bool = False


@dataclass
class Redirect:
    old: int                     # index into old_functions
    new: int                     # index into new_functions


@dataclass
class Data:
    name: str                    # key of the changed global
    old_import: int              # index into imports (the old copy in the target)
    new_symbol: str              # exported symbol of the new copy in this patch ("ab_v1")
    readonly: bool = False


@dataclass
class UnsafeFinding:
    """State the patch cannot carry by itself (polusgen.plan.safety): apply refuses
    the patch while one is not covered by the user code built into it."""
    code: str                    # "unsynced" | "untyped" | "stack" | "replaced" | "startup"
    entity: str                  # key of the global or type
    reason: str
    covers: list[str]            # the user_polus_<what> functions that cover it
    skeleton: Optional[str] = None   # the skeleton file `polusgen diff` wrote
    covered: bool = False        # decided by the preprocessor when the patch was compiled
    or_covers: list[str] = field(default_factory=list)   # another set of functions that covers it as well


@dataclass
class Transfer:
    """A usable transfer point of a never-left function (polusgen.transfer):
    a thread whose frame of `function` waits for `callee` to return to
    `return_pc` (a link-time address of the binary, `offset` bytes into the
    function) moves to the new code when that return address is replaced by
    the patch's `symbol`."""
    function: str
    callee: str
    line: int
    return_pc: int
    offset: int
    symbol: str
    resume: str = ""             # the resume entry it lands in (a new function of the patch)
    lib: Optional[str] = None    # the old activation runs resume entry `within` of earlier patch `lib`:
    within: str = ""             # then return_pc is that library's, offset is from `within`


@dataclass
class BackTransfer:
    """Where an activation moved into this patch's resume entries moves back to
    the old code on rollback: the `rank`-th of the `calls` calls of `callee`
    in the new body (by source line) returns to `symbol`, which runs the old
    body resumed after its own `rank`-th call of `callee`, given `variables`
    ([name, used in place]) read from the resume entry's frame (the patch's
    debug information says where, at rollback)."""
    function: str
    callee: str
    rank: int
    calls: int
    symbol: str
    variables: list[list] = field(default_factory=list)

    @property
    def entry(self) -> str:
        """The back entry the landing runs (exported)."""
        return self.symbol.replace("polus_bland_", "polus_back_", 1)


@dataclass
class Binary:
    path: Optional[str] = None
    build_id: Optional[str] = None   # hex of NT_GNU_BUILD_ID
    sha256: Optional[str] = None     # used when the binary has no build-id


@dataclass
class Manifest:
    program: str
    name: str                        # unique patch name, e.g. "fig2-v1"
    from_version: int
    to_version: int
    binary: Binary = field(default_factory=Binary)
    requires: list[str] = field(default_factory=list)   # earlier patches that must already be applied
    imports: list[Import] = field(default_factory=list)
    old_functions: list[OldFunction] = field(default_factory=list)
    new_functions: list[NewFunction] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    data: list[Data] = field(default_factory=list)
    f2d: list[tuple[int, int]] = field(default_factory=list)   # (old function index, data index)
    warnings: list[str] = field(default_factory=list)
    findings: list[UnsafeFinding] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    back_transfers: list[BackTransfer] = field(default_factory=list)
    abi: int = ABI_VERSION

    def uncovered(self) -> list[UnsafeFinding]:
        return [f for f in self.findings if not f.covered]

    # ---- serialization ----
    def to_json(self, indent: Optional[int] = None) -> str:
        return json.dumps(asdict(self), indent=indent, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        d = json.loads(text)
        if d.get("abi") != ABI_VERSION:
            raise ValueError(f"patch ABI {d.get('abi')} is not the ABI {ABI_VERSION} of this polusgen")
        return cls(
            program=d["program"], name=d["name"],
            from_version=d["from_version"], to_version=d["to_version"],
            binary=Binary(**d.get("binary") or {}),
            requires=list(d.get("requires", [])),
            imports=[Import(**x) for x in d.get("imports", [])],
            old_functions=[OldFunction(**x) for x in d.get("old_functions", [])],
            new_functions=[NewFunction(**x) for x in d.get("new_functions", [])],
            redirects=[Redirect(**x) for x in d.get("redirects", [])],
            data=[Data(**x) for x in d.get("data", [])],
            f2d=[tuple(x) for x in d.get("f2d", [])],
            warnings=list(d.get("warnings", [])),
            findings=[UnsafeFinding(**x) for x in d.get("findings", [])],
            transfers=[Transfer(**x) for x in d.get("transfers", [])],
            back_transfers=[BackTransfer(**x) for x in d.get("back_transfers", [])],
            abi=d["abi"],
        )


# ---- messages of a refused (or forced) build or apply

def covers_text(covers: Iterable[str], or_covers: Iterable[str] = ()) -> str:
    """`user_polus_a, user_polus_b`, or `... (or user_polus_c)` when another set covers too."""
    text = ", ".join(f"user_polus_{c}" for c in covers)
    alt = ", ".join(f"user_polus_{c}" for c in or_covers)
    return f"{text} (or {alt})" if alt else text


def refusal(records: list[UnsafeFinding], what: str) -> str:
    """The message of a refused build or apply: every uncovered finding and how to cover it."""
    lines = [f"{what}: the patch cannot carry the running program's state by itself "
             f"({len(records)} uncovered finding{'s' if len(records) != 1 else ''}):"]
    for r in records:
        funcs = covers_text(r.covers, r.or_covers)
        lines.append(f"  {r.entity}: {r.reason}")
        lines.append(f"    fill in {funcs}" + (f" (skeleton: {r.skeleton})" if r.skeleton else ""))
    lines.append("  build with that user code (--user-code), or give --force to accept losing this state")
    return "\n".join(lines)


def forced(records: list[UnsafeFinding], what: str) -> str:
    """The loud warning of a build or apply forced past uncovered findings."""
    lines = [f"WARNING: {what}: this update does not carry the running program's state; the updated program "
             "may misbehave or crash:"]
    lines += [f"  {r.entity}: {r.reason}" for r in records]
    return "\n".join(lines)
