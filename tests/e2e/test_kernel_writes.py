"""System calls that write into a page write-through protects (runtime/rt_hooks.c).

tests/e2e/cases/kernel_writes keeps its receive buffer in the heap block after
a changed struct's object: once updated, that object stays protected (main,
never left, uses it), and so does the buffer's page.  recvmsg(2) and fstat(2)
into the buffer must work as before the update (without the hooks the kernel
refuses with EFAULT and the program stops receiving, as dnsmasq did)."""
from __future__ import annotations

import pytest

from polusgen.inject.apply import apply_patch
from polusgen.inject.rollback import rollback_patch
from polusgen.inject.status import process_status
from tests.support.build import build_c, needs_gcc, needs_ptrace
from tests.support.cases import E2E, case
from tests.support.process import polusgen

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]
CASE = case(E2E, "kernel_writes")


def test_recvmsg_and_fstat_into_a_protected_page_still_work(tmp_path, targets):
    exe = build_c(CASE.sources(0), tmp_path / "kw")
    c = tmp_path / "p.polus.c"
    polusgen("diff", CASE / "v0.c", CASE / "v1.c", "-o", c, "--binary", exe)
    polusgen("build", c)
    t = targets.start([exe])
    assert t.ask("recv") == "v0 received 5 query"
    apply_patch(t.pid, tmp_path / "p.so", wait=0.2)
    st = process_status(t.pid).status
    assert st["protected_pages"] >= 1 and "cfg" in st["patches"][0]["synchronized_data"]
    for _ in range(3):
        assert t.ask("recv") == "v1 received 5 query ttl 0"
        assert t.ask("stat") == "v1 fstat 0 socket 1"
    assert t.ask("port") == "port 53"
    assert process_status(t.pid).status["counters"]["reads_bounced"] >= 6
    rollback_patch(t.pid, wait=0.2)
    assert t.ask("recv") == "v0 received 5 query"
    assert t.ask("stat") == "v0 fstat 0 socket 1"
