"""The plan is complete and read-only before anything is rendered (issue 9):
rendering computes nothing, so it gives the same text every time and leaves
the plan as it was; and nothing can change the plan afterwards."""
from __future__ import annotations

import dataclasses

import pytest

from polusgen.emit import render_patch

from tests.support.cases import EMIT, case

from .conftest import emit


@pytest.fixture(scope="module")
def heap_plan(tmp_path_factory):
    """A plan with everything in it: sync ops, converters, heap tracing, imports,
    a warning (two pointers into the list: an alias), a manifest."""
    tmp = tmp_path_factory.mktemp("render")
    for version, path in zip(("v0.c", "v1.c"), case(EMIT, "heap").pair()):
        text = path.read_text().replace("struct node *head;", "struct node *head;\nstruct node *tail;")
        (tmp / version).write_text(text)
    return emit(tmp / "v0.c", tmp / "v1.c", tmp / "heap.polus.c", program="heap")


def test_rendering_twice_gives_the_written_text_and_leaves_the_plan_as_it_was(heap_plan):
    plan, text = heap_plan
    before = repr(plan)
    assert render_patch(plan, so_name="heap.so") == text
    assert render_patch(plan, so_name="heap.so") == text
    assert repr(plan) == before


def test_the_plan_cannot_be_changed(heap_plan):
    plan, _ = heap_plan
    assert plan.heap_types and plan.data and plan.spelled["data"][0]["o2n"] and plan.warnings
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.data[0].heap = False
    with pytest.raises(AttributeError):
        plan.warnings.append(None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.warnings[0].message = "x"
    with pytest.raises(TypeError):
        plan.spelled["functions"] = ()
    with pytest.raises(TypeError):
        plan.spelled["data"][0]["o2n"][0]["dst"] = "x"
    with pytest.raises(TypeError):
        plan.version_records["globals"]["head"] = None
    # the manifest is a copy: changing it changes nothing of the plan
    plan.manifest.data.clear()
    assert plan.manifest.data
