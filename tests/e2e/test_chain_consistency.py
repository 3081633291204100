"""Chains keep their promises (issue 10): a global stays synchronized with
every copy that a still-active activation of an earlier patch reads,
whatever later patches did.

tests/e2e/cases/chain_quit: v0's loop() polls config.quit and its activation
lives on after every update; v1 changes struct conf and loop, v2 changes
struct conf again and the SIGTERM handler.  After v1 and v2, the handler
writes config_v2; the v0 loop reads config.  Patch v2 terminates at once (no
v1 function runs; loop is never left: it loops until config.quit), but the copy it pairs with, config_v1, is the one patch
v1 still carries to config: it must stay in write-through until v1's pair
retires, or SIGTERM no longer stops the process."""
from __future__ import annotations

import os
import signal

import pytest

from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import eventually, polusgen, sleeping
from polusgen.inject.apply import apply_patch
from polusgen.inject.status import process_status

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "chain_quit")


def test_sigterm_stops_the_old_loop_after_two_chained_patches(tmp_path, targets):
    exe = build_c([CASE / "v0" / "quit.c"], tmp_path / "quit")
    out = tmp_path / "patches"
    polusgen("evolve", *(CASE / v for v in ("v0", "v1", "v2")), "-o", out, "--binary", exe, "--program", "quit",
             env={**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")})
    t = targets.start([exe])
    eventually(lambda: sleeping(t.pid), bool)       # in the v0 loop (it prints "ready" before)
    apply_patch(t.pid, out / "quit-v1.so", wait=0.1)
    res = apply_patch(t.pid, out / "quit-v2.so", wait=0.2)
    assert res.to_version == 2
    st = process_status(t.pid)
    v1, v2 = st.patches[0], st.patches[1]
    # loop is never left (it loops until config.quit): v1 terminates with its pair kept
    assert v1["never_left"] == ["loop"] and "config" in v1["synchronized_data"], v1
    # v2's pair config_v1 <-> config_v2 stays while v1 carries config_v1 to the loop's config
    assert "config" in v2["synchronized_data"], v2
    os.kill(t.pid, signal.SIGTERM)
    assert eventually(lambda: t.proc.poll(), lambda rc: rc is not None) == 0
    assert t.proc.stdout.read().strip() == "bye"
