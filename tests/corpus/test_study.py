"""`polusgen study` over the corpus's own release trees, so the harness that
produces the real-program table (README, "A study of real programs") keeps
working: it really builds each pair's patch, starts the old release, applies
under a probe load, compares with the new release started natively, rolls
back.  The real programs are opt-in (their trees are never in the repository)."""
from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading

import pytest

from polusgen.study.probes import Probe
from polusgen.study.run import compare, reference
from tests.support.build import REPO
from tests.support.cases import CORPUS

pytestmark = pytest.mark.e2e


def study(tmp_path, trees, *args):
    out = tmp_path / "study.json"
    r = subprocess.run([sys.executable, "-m", "polusgen", "study", *map(str, trees), "--work", tmp_path / "work",
                        "--json", out, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    return r, (json.loads(out.read_text()) if out.is_file() else None)


@pytest.fixture(scope="module")
def bins(corpus_bins):
    return corpus_bins[("kvserver", "v0")].parent


def test_threaded_server_pair_passes_every_column(tmp_path, bins):
    """kvserver v1 -> v2: every hash-chain node changes shape (a generated
    converter), the worker threads sit in the old serve_client."""
    r, out = study(tmp_path, [CORPUS / "kvserver" / "v1", CORPUS / "kvserver" / "v2"],
                   "--binary", f"{bins}/kvserver-{{name}}", "--start", "{binary} {port} 4", "--program", "kvserver",
                   "--probe", "line", "--send", "SET k hello", "--send", "GET k", "--send", "VERSION",
                   "--send", "INCR n", "--mask", r"VALUE \d+")
    assert r.returncode == 0, r.stderr + r.stdout
    (p,) = out["pairs"]
    assert (p["old"], p["new"]) == ("v1", "v2")
    assert p["built"] and p["applied"] == "yes", p
    assert p["requests_failed"] == 0 and p["requests_ok"] > 0, p["failures"]
    assert p["probe_equal_new"] and p["rolled_back"] and p["probe_equal_old_after_rollback"], p
    assert p["alive"] and p["passed"] and not p["harmed"]
    assert out["totals"]["built"] == 1 and out["totals"]["harmed"] == 0
    # the commands a user would type are recorded, and the table is printed
    assert any(c.startswith("polusgen apply ") for c in p["commands"])
    assert "| v1 → v2 | yes | yes, 0 failed of" in r.stdout


def test_forking_server_with_a_greeting(tmp_path, bins):
    """ftpish v0 -> v1: a fork-per-session server that greets first."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "hello.txt").write_text("hello\n")
    r, out = study(tmp_path, [CORPUS / "ftpish" / "v0", CORPUS / "ftpish" / "v1"],
                   "--binary", f"{bins}/ftpish-{{name}}", "--start", f"{{binary}} {{port}} {root}",
                   "--probe", "greeting", "--send", "USER anonymous", "--send", "PASS x", "--send", "PWD",
                   "--send", "SIZE hello.txt", "--send", "XYZZY")
    assert r.returncode == 0, r.stderr + r.stdout
    (p,) = out["pairs"]
    assert p["passed"], p
    assert p["requests_failed"] == 0 and p["requests_ok"] > 0


def test_pre_forked_pool_is_updated_as_a_tree(tmp_path, bins):
    """poolhttp v0 -> v1: a master and pre-forked children that serve
    requests.  Updating the master alone would leave the children that
    answer on v0; --tree updates and rolls back the whole pool."""
    r, out = study(tmp_path, [CORPUS / "poolhttp" / "v0", CORPUS / "poolhttp" / "v1"],
                   "--binary", f"{bins}/poolhttp-{{name}}", "--start", "{binary} {port} 3 1000", "--tree",
                   "--probe", "line", "--send", r"GET /version HTTP/1.0\r\n")
    assert r.returncode == 0, r.stderr + r.stdout
    (p,) = out["pairs"]
    assert p["passed"], p
    assert any(c.startswith("polusgen apply ") and " --tree " in c for c in p["commands"])
    assert p["requests_failed"] == 0 and p["requests_ok"] > 0

def test_a_reply_unlike_the_release_it_should_be_is_reported(start_server):
    """The comparison the study makes after an apply can fail: a v0 server
    held to v1's answer shows what differs."""
    srv = start_server("kvserver", "v0")
    probe = Probe("line", ["VERSION", "SET k v"])
    want = reference(probe, srv.port)
    assert compare(probe, srv.port, want) == {}
    assert compare(probe, srv.port, {**want, "VERSION": "kvserver 1\n"}) == {
        "VERSION": {"got": "kvserver 0\n", "want": "kvserver 1\n"}}


def test_a_pair_that_does_not_build_says_why(tmp_path, bins):
    r, out = study(tmp_path, [CORPUS / "kvserver" / "v0", CORPUS / "kvserver" / "v1"],
                   "--binary", f"{bins}/kvserver-{{name}}", "--start", "{binary} {port}",
                   "--sources", "{tree}/nosuch", "--probe", "line", "--send", "VERSION")
    (p,) = out["pairs"]
    assert not p["built"] and p["applied"] == "not tried"
    assert "nosuch" in p["build_message"]
    assert p["alive"] is None and not p["harmed"]       # no patch: no server was started for it
    assert "| v0 → v1 | NO | – |" in r.stdout


def test_a_build_refused_for_want_of_user_code_is_told_apart(tmp_path):
    """A new global replacing a deleted one, filled only at start-up: build
    refuses the patch (safety), and the table says user code is needed."""
    case = REPO / "tests" / "cases" / "unsafe_replaced"
    prog = tmp_path / "prog"
    subprocess.run(["gcc", "-O2", "-o", prog, case / "v0.c"], check=True)
    r, out = study(tmp_path, [case / "v0.c", case / "v1.c"], "--binary", str(prog), "--start", "{binary}",
                   "--probe", "line", "--send", "x")
    (p,) = out["pairs"]
    assert p["build_refused"] and not p["built"] and p["applied"] == "not tried" and not p["harmed"]
    assert "n_out" in p["build_message"]
    assert "| v0.c → v1.c | refused: user code needed | – |" in r.stdout
    assert out["totals"]["build_refused"] == 1


def test_bad_arguments_are_one_clear_line(tmp_path):
    r, _ = study(tmp_path, [CORPUS / "kvserver" / "v0"], "--binary", "x", "--start", "x", "--probe", "line")
    assert r.returncode == 1 and "at least two release trees" in r.stderr
    r, _ = study(tmp_path, [CORPUS / "kvserver" / "v0", CORPUS / "kvserver" / "v1"], "--binary", "x",
                 "--start", "x", "--probe", "smtp")
    assert r.returncode == 1 and "unknown probe 'smtp'" in r.stderr


def test_dns_probe_reads_answers_as_text():
    """Against a responder of our own: a TXT answer in class CH and an A answer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    def answer():
        for _ in range(2):
            q, addr = sock.recvfrom(512)
            qtype = struct.unpack(">H", q[-4:-2])[0]
            head = q[:2] + struct.pack(">HHHHH", 0x8580, 1, 1, 0, 0)
            rr = b"\xc0\x0c" + struct.pack(">HHIH", qtype, 3 if qtype == 16 else 1, 0 if qtype == 16 else 60,
                                           12 if qtype == 16 else 4)
            rr += b"\x0bdnsmasq-2.5" if qtype == 16 else bytes([10, 1, 2, 3])
            sock.sendto(head + q[12:] + rr, addr)

    t = threading.Thread(target=answer, daemon=True)
    t.start()
    p = Probe("dns", ["version.bind/TXT/CH", "host.test/A"], [r"ttl=\d+"])
    got = p.session(port)
    t.join(5)
    sock.close()
    assert got == {"version.bind/TXT/CH": 'rcode=0 aa=1 ra=1 answers=1\nversion.bind TXT class=3 # "dnsmasq-2.5"',
                   "host.test/A": "rcode=0 aa=1 ra=1 answers=1\nhost.test A class=1 # 10.1.2.3"}


def test_a_server_s_own_port_reads_alike_on_every_server():
    """Each server of a study listens on a port of its own: a reply that names
    it (memcached's `stats settings`) must compare equal across servers, while
    a longer number that merely contains the port's digits stays as it is."""
    def serve(sock):
        conn, _ = sock.accept()
        with conn:
            port = sock.getsockname()[1]
            conn.recv(64)
            conn.sendall(f"STAT tcpport {port}\r\nSTAT big 9{port}9\r\n".encode())

    sessions = []
    for _ in range(2):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        t = threading.Thread(target=serve, args=(sock,), daemon=True)
        t.start()
        sessions.append(Probe("line", ["stats settings"]).session(port))
        t.join(5)
        sock.close()
        assert sessions[-1]["stats settings"] == f"STAT tcpport {{port}}\r\nSTAT big 9{port}9\r\n"
    assert [s["stats settings"].split("\r\n")[0] for s in sessions] == ["STAT tcpport {port}"] * 2
