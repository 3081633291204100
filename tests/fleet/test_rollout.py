"""The Ansible collection (ansible/, collection polusgen.live) rolls a live
update out to a fleet in waves.

The fleet is an inventory of local hosts (connection local), each with its
own running kvserver v0 (built with plain gcc -O2 from corpus/). The example
playbook ansible/playbooks/rollout.yml is run as a user would run it, from the
collection installed with ansible-galaxy. The tests check the servers
themselves (VERSION over the protocol, a key stored before the update, and
polusgen's status), not only what Ansible says.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.process import polusgen

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "ansible" / "playbooks" / "rollout.yml"
PROBE = Path(__file__).with_name("probe_kv.py")
HOSTS = ["canary", "web1", "web2", "web3"]          # waves [1, 50%, 100%]: canary | web1 web2 | web3

pytestmark = [pytest.mark.fleet, pytest.mark.e2e]

if shutil.which("ansible-playbook") is None:       # the optional extra .[fleet] is not installed
    pytest.skip("ansible-core is not installed (pip install '.[fleet]')", allow_module_level=True)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """kvserver v0 built with the corpus Makefile, and the patches v0->v1->v2 against it."""
    d = tmp_path_factory.mktemp("fleet-release")
    subprocess.run(["make", "-s", "-C", str(REPO / "corpus"), f"BUILD={d}", "kvserver-v0"], check=True,
                   capture_output=True)
    src = REPO / "corpus" / "kvserver"
    polusgen("evolve", src / "v0", src / "v1", src / "v2", "--binary", d / "kvserver-v0", "-o", d / "patches")
    patches = sorted((d / "patches").glob("*.so"))
    assert len(patches) == 2, patches
    return d / "kvserver-v0", patches


class Server:
    def __init__(self, binary: Path):
        self.proc = subprocess.Popen([str(binary), "0", "4"], stdout=subprocess.PIPE, start_new_session=True)
        line = self.proc.stdout.readline().decode()
        m = re.fullmatch(r"listening (\d+)\n", line)
        assert m, f"kvserver printed {line!r}"
        self.port = int(m.group(1))
        self.pid = self.proc.pid
        assert self.cmd("SET before-update kept") == "STORED"

    def cmd(self, line: str) -> str:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(line.encode() + b"\n")
            return s.makefile("rb").readline().decode().strip()

    def version(self) -> str:
        return self.cmd("VERSION")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def fleet(release, tmp_path):
    binary, _ = release
    servers = {}
    try:
        for h in HOSTS:
            servers[h] = Server(binary)
        yield servers
    finally:
        for s in servers.values():
            s.stop()


def run_playbook(tmp_path, servers, patches, version=1, probe_expect=None, extra=()):
    """Run the example playbook over the fleet; returns (exit code, per-host stats, output)."""
    probe_expect = probe_expect or {}
    collections = tmp_path / "collections"
    if not collections.exists():
        subprocess.run(["ansible-galaxy", "collection", "install", "--force", str(REPO / "ansible"),
                        "-p", str(collections)], check=True, capture_output=True)
    inventory = {"servers": {"hosts": {
        h: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
            "polus_pid": s.pid,
            "polus_probe": f"{sys.executable} {PROBE} {s.port} {probe_expect.get(h, version)} before-update kept"}
        for h, s in servers.items()}}}
    inv = tmp_path / "inventory.json"
    inv.write_text(json.dumps(inventory))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), 
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"), ANSIBLE_REMOTE_TEMP=str(tmp_path / "ansible-remote"),
               ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    extra_vars = {"polus_patches": [str(p) for p in patches], "polus_version": version}
    r = subprocess.run(["ansible-playbook", "-i", str(inv), str(PLAYBOOK), "-e", json.dumps(extra_vars), *extra],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    return r.returncode, recap(r.stdout), r.stdout + r.stderr


def recap(output: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP's counters per host: {'canary': {'ok': 5, 'changed': 1, 'failed': 0, ...}}."""
    stats = {}
    for m in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", output.split("PLAY RECAP", 1)[-1], re.M):
        stats[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    assert stats, f"no PLAY RECAP in:\n{output}"
    return {h: dict(st, failures=st.get("failed", 0)) for h, st in stats.items()}


def live_version(pid: int) -> int:
    out = polusgen("status", pid, "--json").stdout
    return json.loads(out)["version"]


def test_rollout_updates_every_host_and_a_second_run_changes_nothing(release, fleet, tmp_path):
    _, patches = release
    rc, stats, out = run_playbook(tmp_path, fleet, patches, version=2)
    assert rc == 0, out
    for h, s in fleet.items():
        assert s.version() == "kvserver 2", h
        assert s.cmd("GET before-update") == "VALUE kept", h
        assert live_version(s.pid) == 2, h
        assert stats[h]["changed"] >= 1 and stats[h]["failures"] == 0, (h, stats[h])

    rc, stats, out = run_playbook(tmp_path, fleet, patches, version=2)
    assert rc == 0, out
    assert all(stats[h]["changed"] == 0 for h in HOSTS), stats


def test_check_mode_reports_the_change_and_touches_no_process(release, fleet, tmp_path):
    _, patches = release
    rc, stats, out = run_playbook(tmp_path, fleet, patches, version=1, extra=("--check", "--diff"))
    assert rc == 0, out
    assert all(stats[h]["changed"] >= 1 for h in HOSTS), stats
    assert "version 0" in out and "version 1" in out        # the diff shows the version change
    for h, s in fleet.items():
        assert s.version() == "kvserver 0", h
        assert live_version(s.pid) == 0, h


def test_a_failed_probe_rolls_its_wave_back_and_stops_the_rollout(release, fleet, tmp_path):
    _, patches = release
    # web2 (second wave) answers as expected, but its probe wants a version nobody ships: it fails.
    rc, stats, out = run_playbook(tmp_path, fleet, patches, version=1, probe_expect={"web2": "99"})
    assert rc != 0, out
    assert fleet["canary"].version() == "kvserver 1"            # the first wave keeps the update
    assert live_version(fleet["canary"].pid) == 1
    for h in ("web1", "web2"):                                   # the failed wave is rolled back, both hosts
        assert stats[h]["changed"] >= 2, (h, stats[h])           # updated, then rolled back
        assert fleet[h].version() == "kvserver 0", h
        assert live_version(fleet[h].pid) == 0, h
    assert fleet["web3"].version() == "kvserver 0"               # the last wave never ran
    assert "web3" not in stats or stats["web3"]["changed"] == 0
    for h, s in fleet.items():
        assert s.cmd("GET before-update") == "VALUE kept", h



def adhoc(tmp_path, module: str, args: dict) -> tuple[int, str]:
    collections = tmp_path / "collections"
    if not collections.exists():
        subprocess.run(["ansible-galaxy", "collection", "install", "--force", str(REPO / "ansible"), "-p",
                        str(collections)], check=True, capture_output=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_LOCAL_TEMP=str(tmp_path / "t"),
               PYTHONPATH=str(REPO), ANSIBLE_NOCOLOR="1")
    r = subprocess.run(["ansible", "localhost", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}",
                        "-m", module, "-a", json.dumps(args)], env=env, capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout


def result_json(out: str) -> dict:
    return json.loads(out[out.index("{"):])


def test_info_names_every_process_of_an_executable_and_reads_a_pidfile(release, fleet, tmp_path):
    binary, _ = release
    rc, out = adhoc(tmp_path, "polusgen.live.update_info", {"executable": str(binary)})
    assert rc == 0, out
    res = result_json(out)
    assert sorted(p["pid"] for p in res["processes"]) == sorted(s.pid for s in fleet.values())
    assert res["version"] == 0 and res["pending"] == []

    pidfile = tmp_path / "web1.pid"
    pidfile.write_text(f"{fleet['web1'].pid}\n")
    rc, out = adhoc(tmp_path, "polusgen.live.update_info", {"pidfile": str(pidfile)})
    assert rc == 0, out
    assert [p["pid"] for p in result_json(out)["processes"]] == [fleet["web1"].pid]


def test_module_refuses_a_missing_process_with_a_clear_message(release, tmp_path):
    _, patches = release
    dead = subprocess.Popen(["true"])
    dead.wait()
    rc, out = adhoc(tmp_path, "polusgen.live.update", {"pid": dead.pid, "patches": [str(patches[0])]})
    assert rc != 0
    assert f"process {dead.pid}" in out and "does not exist" in out, out
