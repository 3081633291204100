"""apply / status / rollback as command-line tools on the running Fig. 2
program: --json documents, exit status 3 when there is nothing to do, 130
on Ctrl-C, bad values refused before anything touches the process, and no
traceback when stdout is a pipe whose reader has gone."""
from __future__ import annotations

import json

import pytest

from tests.support.build import needs_gcc, needs_ptrace
from tests.support.faults import build_fig2, polusgen, version_now
from tests.test_cli import with_closed_pipe

pytestmark = [needs_gcc, needs_ptrace, pytest.mark.e2e]


@pytest.fixture(scope="module")
def fig(tmp_path_factory):
    return build_fig2(tmp_path_factory.mktemp("fig2"))


def test_json_documents_and_nothing_to_do(fig, targets):
    t = targets.start([fig.exe])
    assert version_now(t) == "v0"
    r = polusgen("rollback", t.pid, "--json", env=fig.env, check=False)
    doc = json.loads(r.stdout)
    assert r.returncode == 3 and doc["exit_code"] == 3 and doc["ok"] and not doc["changed"], r.stdout
    assert doc["processes"][0]["state"] == "skipped" and "no update was applied" in doc["message"]

    doc = json.loads(polusgen("apply", t.pid, fig.so, "--wait", "0.3", "--json", env=fig.env).stdout)
    assert doc["command"] == "apply" and doc["exit_code"] == 0 and doc["ok"] and doc["changed"]
    assert doc["processes"] == [{"pid": t.pid, "state": "updated", "version": 1, "detail": doc["processes"][0]["detail"]}]
    assert {r["name"] for r in doc["result"]["redirects"]} >= {"bar", "report"}
    patch = doc["result"]["patch"]
    assert doc["message"].startswith(f"applied {patch} ")
    assert version_now(t) == "v1"

    r = polusgen("apply", t.pid, fig.so, env=fig.env, check=False)
    assert r.returncode == 3 and "already applied" in r.stdout and not r.stderr.strip(), r.stdout + r.stderr
    r = polusgen("apply", t.pid, fig.so, "--json", env=fig.env, check=False)
    assert r.returncode == 3 and json.loads(r.stdout)["changed"] is False
    assert version_now(t) == "v1"

    # bad values are usage errors (status 2) and touch nothing
    for bad in (("rollback", t.pid, "--to", "-1"), ("apply", t.pid, fig.so, "--wait", "-1")):
        r = polusgen(*bad, env=fig.env, check=False)
        assert r.returncode == 2 and f"Usage: polusgen {bad[0]}" in r.stderr, r.stderr
    assert version_now(t) == "v1"

    # status of a process with the runtime in it: many lines, into a pipe nobody reads
    r = with_closed_pipe("status", t.pid, env=fig.env)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr

    r = polusgen("rollback", t.pid, "--wait", "1", "--json", env=fig.env)
    doc = json.loads(r.stdout)
    assert doc["command"] == "rollback" and doc["exit_code"] == 0 and doc["changed"]
    assert doc["processes"][0]["state"] == "rolled-back" and doc["processes"][0]["version"] == 0
    assert doc["result"]["reached"] and [p["name"] for p in doc["result"]["patches"]] == [patch]
    assert version_now(t) == "v0"
    r = polusgen("rollback", t.pid, env=fig.env, check=False)
    assert r.returncode == 3 and "nothing to roll back" in r.stdout, r.stdout + r.stderr


def test_ctrl_c_is_status_130_and_undoes_the_apply(fig, targets):
    t = targets.start([fig.exe])
    assert version_now(t) == "v0"
    r = polusgen("apply", t.pid, fig.so, env={**fig.env, "POLUS_KILL_AT": "register@INT"}, check=False)
    assert r.returncode == 130, r.stdout + r.stderr
    assert "interrupted by SIGINT" in r.stderr and "the update was undone" in r.stderr
    assert version_now(t) == "v0"
    polusgen("apply", t.pid, fig.so, "--wait", "0.3", env=fig.env)
    assert version_now(t) == "v1"
