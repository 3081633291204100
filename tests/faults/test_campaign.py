"""The opt-in fault-injection campaign on the Fig. 2 program
(POLUS_FAULT_CAMPAIGN=N): one process, and against it `polusgen apply` and
`polusgen rollback` killed at every named step and during every remote call
they make, by SIGKILL and by SIGTERM, then N random-delay kills of the
command, as many as POLUS_FAULT_CAMPAIGN_SECONDS allow (tests/support/faults.py:
campaign).  After each kill the process must live, run wholly v0 or v1, have lost no write, and the next command
(status, in process) must bring it to a definite version.  Prints the tally.
The corpus servers: tests/corpus/test_fault_campaign.py.

    POLUS_FAULT_CAMPAIGN=200 python3 -m pytest -q -s tests/faults/test_campaign.py
"""
from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import Fig2Subject, build_fig2, campaign, campaign_size, print_tally

RANDOM, SECONDS = campaign_size()
pytestmark = [needs_gcc, needs_ptrace,
              pytest.mark.skipif(not RANDOM, reason="opt-in: set POLUS_FAULT_CAMPAIGN=<random kills>")]


def test_campaign(tmp_path, targets):
    fig = build_fig2(tmp_path)
    t = targets.start([fig.exe])
    tally: Counter = Counter()
    t0 = time.monotonic()
    try:
        campaign(Fig2Subject(t, fig), RANDOM, seed=11, seconds=SECONDS, tally=tally)
    except BaseException:
        print_tally("fault campaign (Fig. 2)", tally, time.monotonic() - t0, failed=True)
        raise
    print_tally("fault campaign (Fig. 2)", tally, time.monotonic() - t0)
