"""Programs built by hand, entity by entity, for the diff and graph rules
(no frontend involved)."""
from __future__ import annotations

from polusgen.model import Coord, FunctionEntity, GlobalEntity, Program, TypeEntity


def T(key, text, deps=(), by_value=(), system=False, node=None):
    kind, name = key.split(" ", 1)
    return TypeEntity(key, kind, name, node, Coord("t.h", 1), system, text, set(deps), set(by_value))


def G(key, type_text="int", type_deps=(), init=None, const=False, extern_only=False):
    name = key.split("@")[0]
    return GlobalEntity(key, name, "a.c", "@" in key, None, Coord("a.c", 2), type_text, set(type_deps),
                        init, const, extern_only)


def F(key, sig=None, body="{}", calls=(), reads=(), writes=(), type_deps=(), sig_type_deps=(),
      addr_taken=(), loops_forever=False):
    name = key.split("@")[0]
    return FunctionEntity(key, name, "a.c", "@" in key, False, None, Coord("a.c", 10),
                          sig or f"void {name}(void)", body, set(sig_type_deps),
                          set(type_deps) | set(sig_type_deps), set(calls), set(reads), set(writes),
                          set(addr_taken), loops_forever=loops_forever, end_line=12)


def P(*ents, root="v"):
    p = Program(root=root, files=["a.c"])
    for e in ents:
        {TypeEntity: p.types, GlobalEntity: p.globals, FunctionEntity: p.functions}[type(e)][e.key] = e
    return p


def status(cs, kind, key):
    return cs.section(kind)[key].status
