"""Bidirectional write-through in a live process: the reference patch
(docs/patch-example.polus.c, the paper's Fig. 2) applied in-process by
rt_driver.c, which calls the runtime as the injector would."""
from __future__ import annotations

import signal

import pytest

from .conftest import ok

# every faulting plain MOV store is done for the thread without opening the
# page; POLUS_NO_EMULATE=1 forces the general path (open, single-step) for all
PATHS = pytest.mark.parametrize("path", ["emulated", "single-step"])


def env(path: str) -> dict[str, str]:
    return {"POLUS_NO_EMULATE": "1"} if path == "single-step" else {}


@PATHS
def test_writes_cross_both_ways(rig, path):
    r = ok(rig.run("basic", env=env(path)))
    f = r.facts
    assert f["patch_id"] == 0
    assert f["new_i_after_old_write"] == 7 and f["new_b_after_old_write"] == 11
    assert f["old_i_after_new_write"] == 21
    assert f["new_i_after_bar"] == 22          # old code, old copy -> new copy
    assert f["old_i_after_bar_v1"] == 23       # new code, new copy -> old copy
    assert f["new_j_after_bar_v1"] == 6        # the new field lives only in the new world
    st = r.status
    c = st["counters"]
    assert c["trapped_writes"] >= 6
    if path == "emulated":
        assert c["emulated_stores"] == c["trapped_writes"] and c["windows"] == 0
    else:
        assert c["emulated_stores"] == 0 and c["windows"] == c["trapped_writes"]
    assert len(st["hazards"]) == 3
    p = st["patches"][0]
    assert p["state"] == "active" and p["synchronized_data"] == ["ab"]


@PATHS
def test_many_threads_lose_no_update_under_a_mutex(rig, path):
    r = ok(rig.run("threads", env=env(path)))
    f = r.facts
    assert f["old_i"] == f["expected"] == f["new_i"]
    assert f["new_j"] == f["expected"] // 2
    assert f["neighbour"] == f["neighbour_expected"]


@PATHS
def test_false_sharing_is_let_through_without_sync(rig, path):
    r = ok(rig.run("false_sharing", env=env(path)))
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


@PATHS
def test_forked_children_write_through(rig, path):
    # emulated: each child must write its own memory, not its parent's
    r = ok(rig.run("fork", env=env(path)))
    f = r.facts
    assert f["children_ok"] == f["children"]
    assert f["parent_b_synced"] == 1 and f["parent_i_untouched_by_children"] == 1


def test_a_read_into_a_protected_copy_is_bounced_and_carried_across(rig):
    r = ok(rig.run("efault"))
    f = r.facts
    assert f["read_rc"] == 4 and f["read_efault"] == 0
    assert f["new_b_after_read"] == 1234
    assert r.status["counters"]["reads_bounced"] == 1
    assert r.status["hooked_got_slots"] >= 2          # free and read of the driver at least
    # a raw system call cannot be hooked: the documented hazard
    assert f["raw_read_efault"] == 1


KERNEL_WRITES = ["recvmsg", "readv", "recvfrom", "getsockname", "getsockopt", "accept", "select", "poll",
                 "epoll_wait", "fstat", "stat", "lstat", "pipe", "waitpid", "clock_gettime"]


def test_every_call_the_kernel_writes_through_is_bounced(rig):
    r = ok(rig.run("kernel_writes"))
    assert {c: r.facts.get(c) for c in KERNEL_WRITES} == {c: 1 for c in KERNEL_WRITES}
    assert r.facts["ab_b_untouched"] == 1
    assert r.status["counters"]["reads_bounced"] >= len(KERNEL_WRITES)


def test_without_hooks_each_of_those_calls_fails(rig):
    r = ok(rig.run("kernel_writes", env={"POLUS_NO_HOOKS": "1"}))
    assert {c: r.facts.get(c) for c in KERNEL_WRITES} == {c: 0 for c in KERNEL_WRITES}


def test_without_hooks_the_kernel_write_fails_with_efault(rig):
    r = ok(rig.run("efault", env={"POLUS_NO_HOOKS": "1"}))
    assert r.facts["read_efault"] == 1 and r.status["hooked_got_slots"] == 0


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


def test_the_redirects_of_an_apply_are_noted_all_or_nothing(rig):
    r = ok(rig.run("notes"))
    f = r.facts
    assert f["bad_batch_rc"] == -1 and f["good_batch_rc"] == 0 and f["empty_batch_rc"] == 0
    redirects = r.status["patches"][0]["redirects"]
    # bar's from the apply, then both of the good batch; nothing of the bad one
    assert len(redirects) == 3, redirects
    assert len({x["at"] for x in redirects}) == 3
    assert all(len(bytes.fromhex(x["orig"])) == 5 for x in redirects)


@PATHS
def test_a_global_bigger_than_a_page(rig, path):
    r = ok(rig.run("big", "big", env=env(path)))
    f = r.facts
    assert f["activate"] == 0 and f["initial_last"] == 19999
    assert f["new_first"] == -1 and f["new_last"] == -2 and f["old_middle"] == -3
    assert f["all_equal"] == 1
    assert r.status["protected_pages"] >= 2 * 19


def test_every_mov_store_shape_is_emulated_and_carried_across(rig):
    r = ok(rig.run("stores"))
    f = r.facts
    assert f["stores_ok"] == 1
    assert f["emulated"] == 12                 # no window was opened for any of them


def test_read_modify_writes_are_emulated_with_the_cpus_flags(rig):
    r = ok(rig.run("stores"))
    f = r.facts
    assert f["rmw_ok"] == 1
    assert f["emulated_rmw"] == 12
    # lock-prefixed: emulated under the emulation lock, and carried across
    assert f["locked_synced"] == 1
    assert f["emulated_after_locked"] == 25


def test_sse_stores_are_emulated(rig):
    r = ok(rig.run("stores"))
    # movq, movss, movsd, movups (16 bytes, over the neighbour too), movhps, movd, movdqu
    assert r.facts["sse_ok"] == 1 and r.facts["emulated_sse"] == 7


def test_the_same_stores_through_the_single_step_path(rig):
    r = ok(rig.run("stores", env=env("single-step")))
    f = r.facts
    assert f["stores_ok"] == 1 and f["rmw_ok"] == 1 and f["sse_ok"] == 1 and f["locked_synced"] == 1
    assert f["emulated"] == 0


@pytest.mark.parametrize("mode", ["unlocked", "atomic"])
def test_an_unlocked_writer_of_unrelated_data_on_the_page_costs_no_update(rig, mode):
    # its stores (plain, or lock-prefixed adds) are emulated under one lock, so
    # the page is never opened under the mutex holders' feet
    r = ok(rig.run("threads", env={"NEIGHBOUR": mode}))
    f = r.facts
    assert f["old_i"] == f["expected"] == f["new_i"]
    assert f["neighbour"] == f["neighbour_expected"]
