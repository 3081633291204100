"""One rule for the length of an array sized by its initializer
(polusgen.csyntax.arrays): the diff compares it, the patch spells it."""
from __future__ import annotations

import pytest
from pycparser import CParser

from polusgen.csyntax.arrays import implied_dim, implied_length
from polusgen.csyntax.cgen import generate
from polusgen.diff import compute_changeset
from polusgen.model import Kind, Status
from polusgen.plan.spell import completed_type
from tests.support.programs import G, P, status


def decl(src: str):
    return CParser().parse(src).ext[-1]


@pytest.mark.parametrize("src, length", [
    ("int a[] = {1, 2, 3};", 3),
    ('char s[] = "a\\nb";', 4),
    ("int b[] = {[4] = 1, 2};", 6),          # a designator moves the position
    ("int c[] = {[010] = 1};", 9),           # octal, as C reads it
    ("struct s { int x; }; struct s d[] = {[2].x = 1};", 3),
    ("enum e { A, B }; int f[] = {[B] = 1};", None),    # an enumerator: not known here
    ("int g[3] = {1};", None),               # sized: nothing implied
])
def test_length_from_the_initializer(src, length):
    assert implied_length(decl(src)) == length


def test_the_patch_spells_the_same_length():
    t = completed_type(decl("int b[] = {[4] = 1, 2};"))
    assert generate(t.dim) == "6"
    assert generate(implied_dim(decl('char v[] = "1.0";'))) == 'sizeof("1.0")'


def global_(src: str, init: str):
    g = G("t", "int []", init=init)
    g.node = decl(src)
    return g


def test_diff_sees_a_designated_table_grow_but_not_a_value_change():
    old = global_("enum e { A, B, C }; int t[] = {[A] = 1, [B] = 2};", "{[A] = 1, [B] = 2}")
    grown = global_("enum e { A, B, C }; int t[] = {[A] = 1, [B] = 2, [C] = 3};", "{[A] = 1, [B] = 2, [C] = 3}")
    value = global_("enum e { A, B, C }; int t[] = {[A] = 1, [B] = 5};", "{[A] = 1, [B] = 5}")
    cs = compute_changeset(P(old), P(grown))
    assert status(cs, Kind.GLOBAL, "t") is Status.CHANGED
    assert "designators changed" in cs.globals["t"].reasons[0]
    cs = compute_changeset(P(old), P(value))
    assert status(cs, Kind.GLOBAL, "t") is Status.UNCHANGED and cs.globals["t"].initializer_only
