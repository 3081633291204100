"""poolhttp -- a master and a pre-forked pool of children, each child
replaced after MAX_REQUESTS connections -- live-updated v0 -> v1 -> v2 -> v3
as a whole (`--tree`: the master and every child) under load, with no
failed request, every process on the new version after each step; then
rolled back to v0 (or not), and stopped by SIGTERM.

What the pool adds to a single process: children forked by a master that
is already updated inherit the update (skipped); children forked by the
master before its update, and found by a rescan, are updated in turn; a
child running new code when the rollback comes exits after its requests,
and its replacement is forked by the rolled-back master.  SIGTERM at the
end goes through the whole chain: the master's v0 loop polls config.quit,
v1 and v3 change struct pool_config, v3 changes the SIGTERM handler."""
from __future__ import annotations

import os
import signal

import pytest

from polusgen.errors import InjectError
from polusgen.inject.pool import apply_pool, process_tree, rollback_pool
from polusgen.inject.status import process_status
from tests.support.process import eventually, exits_meanwhile

from .client import HTTPScenario, LoadClient, http_get
from .live import build_chain, stopped_clean

pytestmark = pytest.mark.e2e
CHILDREN, MAX_REQUESTS = 3, 200


@pytest.fixture(scope="module")
def chain(corpus_bins, tmp_path_factory):
    return build_chain("poolhttp", corpus_bins["poolhttp", "v0"], tmp_path_factory.mktemp("poolhttp-chain"))


def tree_versions(pid: int) -> set[int]:
    """The versions the master and its children run now."""
    out = set()
    for p in process_tree(pid).pids:
        try:
            out.add(process_status(p).version)
        except InjectError:
            if not exits_meanwhile(p):
                raise       # not a child that exited (or is exiting) meanwhile
    return out


def served_version(port: int) -> set[int]:
    """The versions a few requests in a row are served by (any child)."""
    return {int(http_get(port, "/version").body.split()[1]) for _ in range(2 * CHILDREN)}


@pytest.mark.parametrize("roll_back", [True, False], ids=["rolled-back-to-v0", "left-on-v3"])
def test_pool_updated_as_a_tree_under_load(chain, start_server, roll_back):
    assert chain.last >= 3, chain.errors
    srv = start_server("poolhttp", "v0", str(CHILDREN), str(MAX_REQUESTS))
    tree = lambda: process_tree(srv.pid)  # noqa: E731
    eventually(lambda: len(tree().pids), lambda k: k == CHILDREN + 1, what="the pool")
    load = LoadClient(srv.port, HTTPScenario(), workers=3, count=10**6, seconds=300).start()
    try:
        states = []
        for n in (1, 2, 3):
            res = apply_pool(tree, chain.patches[n], wait=0.3)
            assert not res.missed, res.describe()
            assert res.outcomes[srv.pid].state == "updated", res.describe()
            states += [o.state for pid, o in res.outcomes.items() if pid != srv.pid]
            eventually(lambda: tree_versions(srv.pid), lambda v: v == {n}, timeout=30, what=f"every process on v{n}")
            eventually(lambda: served_version(srv.port), lambda v: v == {n}, what=f"v{n} served")
        assert http_get(srv.port, "/health").body == "ok\n"
        # children that lived across an update were updated themselves (or exited in its middle: under
        # load a child serves its max_requests within one apply); those forked since inherited it
        assert {"updated", "exited"} & set(states) and "skipped" in states, states
        assert "failed" not in states, states
        if roll_back:
            rb = rollback_pool(tree, to=0, wait=60)
            assert not rb.missed, rb.describe()
            eventually(lambda: tree_versions(srv.pid), lambda v: v == {0}, timeout=30, what="every process on v0")
            eventually(lambda: served_version(srv.port), lambda v: v == {0}, what="v0 served")
            assert http_get(srv.port, "/health").code == 404
        results = stopped_clean(load)
        assert {"poolhttp 0", "poolhttp 3"} <= results.versions
    finally:
        load.stop()
    assert srv.alive(), srv.stderr_text()
    pids = tree().pids
    os.kill(srv.pid, signal.SIGTERM)
    eventually(srv.proc.poll, lambda rc: rc is not None, timeout=20, what="SIGTERM to stop the master")
    assert srv.proc.returncode == 0, srv.stderr_text()
    eventually(lambda: [p for p in pids if os.path.exists(f"/proc/{p}")], lambda left: not left, timeout=20,
               what="the children to exit")
