"""Progress, termination, rollback and abort: the injector's stack samples
drive the callbacks and the retirement of data (paper section 3.2.2)."""
from __future__ import annotations

from .conftest import ok


def events(log: str) -> list[str]:
    return [e for e in log.split(";") if e]


def patch(status: dict, name: str) -> dict:
    return next(p for p in status["patches"] if p["name"] == name)


def test_callbacks_fire_when_their_moment_comes(rig):
    r = ok(rig.run("progress", "callbacks"))
    f = r.facts
    assert f["pre_update_rc"] == 0 and f["activate_rc"] == 0
    pre, first, second, third, fourth, rollback = (events(x) for x in r.logs)
    assert pre == ["pre"]
    # 101 in f (from loop), 102 nowhere, 103 in g: only 102 is a free thread
    assert f["left_1"] == 1 and first == ["thread:102"]
    # 103 left g: g is done and d2 (only g uses it) leaves write-through
    assert f["left_2"] == 1 and second == ["thread:103", "function:g", "data:d2"]
    assert f["d2_v1_after_retired"] == 0          # no longer carried across
    assert f["d1_v1_still_synced"] == 71          # f is still active
    # 101 only in loop (never left): f done, d1 retired, the update terminated
    assert f["left_3"] == 0 and third == ["function:f", "data:d1", "post"]
    assert f["d3_v1_never_left_synced"] == 80     # loop keeps d3 in write-through
    assert f["d1_v1_after_retired"] == 71
    # loop finally gone: d3 retires too
    assert f["left_4"] == 0 and fourth == ["data:d3"]
    assert f["d3_v1_after_retired"] == 80
    # a rollback calls its callback first, in the patch, new data as new code left it
    assert f["rollback_rc"] == 0 and rollback == [f"rollback:patch {f['patch_id']} d3_v1 80"]


def test_readonly_data_is_copied_once_and_never_protected(rig):
    r = ok(rig.run("progress", "callbacks"))
    assert r.facts["d4_v1_initial"] == 44
    assert r.facts["d4_v1_after_write"] == 44
    d4 = next(d for d in patch(r.statuses[0], "cbprog-v1")["data"] if d["name"] == "d4")
    assert d4["readonly"] and d4["state"] == "retired"


def test_status_names_never_left_functions_and_what_they_keep(rig):
    r = ok(rig.run("progress", "callbacks"))
    p = patch(r.statuses[1], "cbprog-v1")
    assert p["state"] == "terminated" and p["post_update_fired"]
    assert p["never_left"] == ["loop"]
    assert p["synchronized_data"] == ["d3"]
    assert p["active_functions"] == [{"name": "loop", "threads": [101], "thread_count": 1}]
    last = patch(r.statuses[2], "cbprog-v1")
    assert last["synchronized_data"] == [] and last["active_functions"] == []
    assert r.statuses[2]["protected_pages"] == 0


def test_a_refusing_pre_update_callback_stops_the_update(rig):
    r = ok(rig.run("progress", "callbacks", env={"PRE_REFUSE": "1"}))
    assert r.facts["pre_update_rc"] == 7
    assert r.facts["activate_after_refusal"] == -1
    st = r.status
    assert patch(st, "cbprog-v1")["state"] == "aborted"
    assert st["protected_pages"] == 0 and not st["handlers_installed"]


def test_rollback_syncs_back_then_waits_for_the_new_code(rig):
    r = ok(rig.run("rollback"))
    f = r.facts
    assert f["left_bar_active"] == 1 and f["left_after"] == 0
    assert f["new_i_after_retired_old_write"] == 0
    assert f["rollback_rc"] == 0
    # retired data comes back new -> old, and write-through resumes
    assert f["old_i_after_rollback"] == 600 and f["old_b_after_rollback"] == 61
    assert f["old_i_after_new_write"] == 700 and f["new_i_after_old_write"] == 701
    # a thread in bar_v1 keeps the rollback going
    assert f["left_in_new"] == 1 and f["left_done"] == 0
    assert f["new_i_after_rolled_back"] == 701
    assert f["second_rollback_rc"] == -1
    states = [patch(s, "fig2-v1")["state"] for s in r.statuses]
    assert states == ["active", "terminated", "rolling-back", "rolled-back"]
    rolling = patch(r.statuses[2], "fig2-v1")
    assert rolling["active_functions"] == [{"name": "bar", "threads": [102], "thread_count": 1}]
    assert rolling["synchronized_data"] == ["ab"]
    assert r.statuses[3]["protected_pages"] == 0


def test_redirects_are_kept_with_their_original_bytes(rig):
    r = ok(rig.run("rollback"))
    (red,) = patch(r.status, "fig2-v1")["redirects"]
    assert red["len"] == 5 and len(red["orig"]) == 10
    bytes.fromhex(red["orig"])
    assert int(red["at"], 16) == int(patch(r.status, "fig2-v1")["old_functions"][0]["addr"], 16)
    new_bar = next(fn for fn in patch(r.status, "fig2-v1")["new_functions"] if fn["name"] == "bar")
    assert int(red["target"], 16) == int(new_bar["addr"], 16)


def test_a_chain_of_patches_carries_writes_along_it(rig):
    r = ok(rig.run("chain_patches", "fig2", "fig2_v2"))
    f = r.facts
    assert f["patch2_id"] == 1 and f["activate2"] == 0
    assert f["v2_i_initial"] == 3
    assert f["v1_i_after_v0_write"] == 5 and f["v2_i_after_v0_write"] == 5
    assert f["v1_i_after_v2_write"] == 6 and f["v0_i_after_v2_write"] == 6
    assert f["v2_j_after_v1_write"] == 7 and f["v2_b_after_v1_write"] == 8
    assert f["v0_b_after_v1_write"] == 8
    # rollback only from the top of the chain
    assert f["rollback_v1_under_v2"] == -1
    assert f["rollback_v2"] == 0 and f["rollback_v1_while_v2_rolls_back"] == -1
    assert f["rollback_v1"] == 0 and f["left_after_v1"] == 0
    assert [p["state"] for p in r.status["patches"]] == ["rolled-back", "rolled-back"]


def test_a_patch_reading_an_earlier_patchs_imports_is_refused(rig):
    # loaded RTLD_GLOBAL (the injector loads patches RTLD_LOCAL), patch 2's
    # register_patch binds to patch 1's polus_imports
    r = ok(rig.run("chain_patches", "fig2", "fig2_v2", env={"RT_DRIVER_GLOBAL_PATCHES": "1"}))
    assert r.facts["patch2_id"] == -1
    assert "RTLD_LOCAL" in r.stderr
    assert [p["state"] for p in r.status["patches"]] == ["active", "aborted"]


def test_heap_pairs_and_counterparts(rig):
    r = ok(rig.run("heap", "heap", "fig2"))
    f = r.facts
    assert f["pre"] == 0 and f["activate"] == 0
    assert f["counterpart_of_head"] == f["counterpart_back"] == f["counterpart_of_stranger"] == 1
    assert f["lists_equal"] == 1 and f["list_len"] == 3
    assert f["new_node_after_old_write"] == 20      # heap objects write through too
    assert f["old_node_after_new_write"] == 30
    # a node the tracing never saw: allocated and registered by sync code
    assert f["new_head_v"] == 4 and f["new_head_next_is_old_head_pair"] == 1
    assert f["new_head_is_counterpart"] == 1
    # a v1 object paired again by a later patch: a sync of the first patch
    # still translates it to its v0 object
    assert f["chain_heap_registered"] == 1 and f["newest_pair_answers"] == 1
    assert f["own_patch_pair_answers"] == 1
    p = patch(r.statuses[0], "list-v1")
    assert p["heap_pair_count"] == 4 and p["heap_pairs_synchronized"] == 4
    # a freed node: its pair is gone before glibc writes into the block
    assert f["freed_counterpart_gone"] == 1 and f["freed_pair_only"] == 1
    assert f["lists_equal_after_free"] == 1 and f["list_len_after_free"] == 3
    st = r.statuses[1]
    assert st["counters"]["heap_pairs_freed"] == 1
    assert patch(st, "list-v1")["heap_pairs_synchronized"] == 3
    # no old function uses head: it retires, and the heap pairs with it
    assert f["left"] == 0 and f["new_after_retired"] == 40   # not 99: no longer carried
    p = patch(r.statuses[2], "list-v1")
    assert p["state"] == "terminated" and p["heap_pairs_synchronized"] == 0
    assert r.statuses[2]["protected_pages"] == 0
    # rollback brings back every pair but the freed one
    assert f["rollback"] == 0
    p = patch(r.statuses[3], "list-v1")
    assert p["state"] == "rolling-back" and p["heap_pairs_synchronized"] == 3
    assert p["synchronized_data"] == ["head"]
