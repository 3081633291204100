"""Bidirectional write-through in a live process: the reference patch
(docs/patch-example.polus.c, the paper's Fig. 2) applied in-process by
rt_driver.c, which calls the runtime as the injector would."""
from __future__ import annotations

import signal


def ok(run):
    assert run.returncode == 0, run.stderr
    return run


def test_writes_cross_both_ways(rig):
    r = ok(rig.run("basic"))
    f = r.facts
    assert f["patch_id"] == 0
    assert f["new_i_after_old_write"] == 7 and f["new_b_after_old_write"] == 11
    assert f["old_i_after_new_write"] == 21
    assert f["new_i_after_bar"] == 22          # old code, old copy -> new copy
    assert f["old_i_after_bar_v1"] == 23       # new code, new copy -> old copy
    assert f["new_j_after_bar_v1"] == 6        # the new field lives only in the new world
    st = r.status
    assert st["counters"]["trapped_writes"] >= 6
    p = st["patches"][0]
    assert p["state"] == "active" and p["synchronized_data"] == ["ab"]


def test_many_threads_lose_no_update_under_a_mutex(rig):
    r = ok(rig.run("threads"))
    f = r.facts
    assert f["old_i"] == f["expected"] == f["new_i"]
    assert f["new_j"] == f["expected"] // 2
    assert f["neighbour"] == f["neighbour_expected"]


def test_false_sharing_is_let_through_without_sync(rig):
    r = ok(rig.run("false_sharing"))
    assert r.facts["neighbour"] == 30
    assert r.facts["new_i_unchanged"] == 1
    c = r.status["counters"]
    assert c["false_sharing_faults"] >= 1
    assert c["trapped_writes"] == 0


def test_program_handlers_still_get_their_faults(rig):
    r = ok(rig.run("chain_handler"))
    f = r.facts
    assert f["own_hits"] == 1 and f["new_i"] == 99
    # installed after us: progress takes ours back and chains to theirs
    assert f["late_hits"] == 1 and f["new_i_after_reinstall"] == 100
    c = r.status["counters"]
    assert c["chained_faults"] == 2 and c["handler_reinstalls"] == 1


def test_a_fault_with_the_default_action_still_kills(rig):
    r = rig.run("default_dies")
    assert r.facts.get("about_to_fault") == 1
    assert "survived" not in r.facts
    assert r.returncode == -signal.SIGSEGV


def test_a_sent_sigsegv_still_kills(rig):
    r = rig.run("raise_dies")
    assert "survived" not in r.facts
    assert r.returncode == -signal.SIGSEGV


def test_forked_children_write_through(rig):
    r = ok(rig.run("fork"))
    f = r.facts
    assert f["children_ok"] == f["children"]
    assert f["parent_b_synced"] == 1 and f["parent_i_untouched_by_children"] == 1


def test_kernel_writes_into_protected_copies_fail_with_efault(rig):
    r = ok(rig.run("efault"))
    assert r.facts["read_efault"] == 1


def test_abort_leaves_nothing_protected(rig):
    r = ok(rig.run("abort"))
    f = r.facts
    assert f["new_i_while_active"] == 3 and f["abort_rc"] == 0
    assert f["new_i_after_abort"] == 3 and f["old_i_after_abort"] == 4
    assert f["kernel_write_ok"] == 1
    st = r.status
    assert st["protected_pages"] == 0
    p = st["patches"][0]
    assert p["state"] == "aborted" and p["synchronized_data"] == []


def test_a_global_bigger_than_a_page(rig):
    r = ok(rig.run("big", "big"))
    f = r.facts
    assert f["activate"] == 0 and f["initial_last"] == 19999
    assert f["new_first"] == -1 and f["new_last"] == -2 and f["old_middle"] == -3
    assert f["all_equal"] == 1
    assert r.status["protected_pages"] >= 2 * 19
