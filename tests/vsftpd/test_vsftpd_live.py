"""The paper's case study, live: vsftpd 2.0.0 running as a standalone
listener is updated to 2.0.1, 2.0.2, 2.0.3 and 2.0.4 (one patch per release
step, one version file, all for the running 2.0.0 binary) while anonymous
clients keep logging in and downloading; new sessions greet with the new
version and run its post-login code; then it is rolled back to 2.0.0.

Needs POLUS_VSFTPD_DIR (release trees) and POLUS_VSFTPD_BUILD (built
binaries, <dir>/<release>/vsftpd); skipped when either is unset.  Root,
ptrace and the `ftp` and `nobody` users are needed to run vsftpd itself.
"""
from __future__ import annotations

import os
import pwd
import time

import pytest

from tests.support.process import eventually, polusgen as run_polusgen

from . import vsftpd_study as vs

REL, BUILD = vs.releases_dir(), vs.build_dir()
pytestmark = [pytest.mark.vsftpd, pytest.mark.e2e,
              pytest.mark.skipif(not REL or not BUILD,
                                 reason="POLUS_VSFTPD_DIR and POLUS_VSFTPD_BUILD are not set")]


def _need() -> None:
    missing = [v for v in vs.CHAIN if not (REL / v).is_dir()]
    missing += [str(vs.binary(vs.CHAIN[0])) for _ in [0] if not vs.binary(vs.CHAIN[0]).is_file()]
    if missing:
        pytest.skip(f"missing: {', '.join(missing)}")
    if os.geteuid() != 0:
        pytest.skip("vsftpd must be started as root")
    for user in ("ftp", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            pytest.skip(f"no user {user!r} (vsftpd's ftp_username / nopriv_user)")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The four patches 2.0.0 -> 2.0.1 -> ... -> 2.0.4, built once."""
    _need()
    out = tmp_path_factory.mktemp("vsftpd-chain")
    return vs.build_chain(REL, vs.binary(vs.CHAIN[0]), out)


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """references(mode) -> what a freshly started binary of every release
    answers to vs.PROBES in that process model (computed once per mode)."""
    _need()
    missing = [v for v in vs.CHAIN if not vs.binary(v).is_file()]
    if missing:
        pytest.skip(f"no binary of {', '.join(missing)} under {BUILD} to compare with")
    cache = {}

    def get(mode: str = "one-process"):
        if mode not in cache:
            cache[mode] = vs.reference_probes(BUILD, vs.CHAIN, tmp_path_factory.mktemp(f"vsftpd-ref-{mode}"),
                                              vs.MODES[mode])
        return cache[mode]

    return get


@pytest.fixture
def reference(references):
    return references("one-process")


@pytest.fixture
def server(tmp_path):
    """start(mode) -> (a running 2.0.0 Vsftpd, the files its clients must get); always stopped."""
    started = []

    def start(mode: str = "one-process"):
        files = vs.make_root(tmp_path / "root")
        port = vs.free_port()
        conf = vs.write_config(tmp_path / "vsftpd.conf", port, tmp_path / "root", tmp_path / "empty",
                               vs.MODES[mode])
        srv = vs.Vsftpd(vs.binary(vs.CHAIN[0]), conf, port, tmp_path / "vsftpd.log")
        started.append(srv)
        return srv, files

    yield start
    for srv in started:
        killed = srv.stop() + [srv.pid]
        # SIGKILL is delivered asynchronously: give the kernel a moment
        eventually(lambda: vs.running(killed), lambda left: not left, timeout=5.0, pause=0.05,
                   what="vsftpd processes outlived the test")


def test_chain_is_generated_with_one_version_file(chain):
    assert [(s.old, s.new) for s in chain] == list(zip(vs.CHAIN, vs.CHAIN[1:]))
    from polusgen.elf import read_manifest

    for i, s in enumerate(chain, start=1):
        m = read_manifest(s.patch_so)
        assert m.name == f"vsftpd-v{i}" and (m.from_version, m.to_version) == (i - 1, i)
        assert sum(sum(c.values()) for c in s.counts.values()) > 0


def test_releases_answer_the_probes_differently(reference):
    """The probes tell 2.0.2, 2.0.3 and 2.0.4 apart (EPSV 1 / EPRT |1| from
    2.0.3, MDTM fixed in 2.0.4), so matching them is more than a banner."""
    rows = [tuple(reference[v][c] for c in vs.PROBES) for v in vs.CHAIN]
    assert rows[2] != rows[3] != rows[4]


@pytest.mark.parametrize("mode", list(vs.MODES))
def test_live_chain_under_load_and_rollback(chain, references, server, mode):
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    reference = references(mode)
    srv, files = server(mode)
    assert vs.BANNER.match(srv.banner).group(1) == "2.0.0"
    load = vs.ClientLoad(srv.port, files, threads=2, max_sessions=2000, max_seconds=240).start()
    try:
        assert vs.ftp_session(srv.port, files) == "2.0.0"
        for i, step in enumerate(chain, start=1):
            r = apply_patch(srv.pid, step.patch_so, wait=0.5)
            assert r.to_version == i and r.redirects
            # a session that starts now is forked from the patched listener
            assert vs.ftp_session(srv.port, files) == step.new
            assert vs.stat_version(srv.port) == step.new
            # and its post-login code answers as a started step.new does
            assert vs.probe_diff(vs.probe(srv.port), reference[step.new]) == {}
            assert process_status(srv.pid).version == i
        # back to 2.0.0; a patch whose new function the idle listener sits in
        # finishes rolling back once a connection has made it return
        for _ in range(4 * len(chain)):
            if process_status(srv.pid).version == 0:
                break
            rollback_patch(srv.pid, to=0, wait=0.5)
            vs.ftp_session(srv.port, files)
        assert process_status(srv.pid).version == 0
        assert vs.ftp_session(srv.port, files) == "2.0.0"
        assert vs.stat_version(srv.port) == "2.0.0"
        assert vs.probe_diff(vs.probe(srv.port), reference["2.0.0"]) == {}
        time.sleep(0.3)
    finally:
        load.stop()
    assert srv.alive()
    assert load.failures == []
    assert load.ok > 0


def test_a_session_open_across_an_update_keeps_its_code(chain, server):
    """A session process forked before the update is not patched: it goes on
    as 2.0.0 (STAT) and still serves its files; the next session is 2.0.1."""
    import ftplib
    import io

    from polusgen.inject.apply import apply_patch

    srv, files = server()
    f = ftplib.FTP()
    try:
        f.connect(vs.HOST, srv.port, timeout=10)
        f.login()
        f.set_pasv(False)
        assert vs.STAT_VERSION.search(f.sendcmd("STAT")).group(1) == "2.0.0"
        apply_patch(srv.pid, chain[0].patch_so, wait=0.2)
        assert vs.ftp_session(srv.port, files) == "2.0.1"
        assert vs.STAT_VERSION.search(f.sendcmd("STAT")).group(1) == "2.0.0"
        buf = io.BytesIO()
        f.retrbinary("RETR big.bin", buf.write)
        assert buf.getvalue() == files["big.bin"]
        f.quit()
    finally:
        f.close()


def test_rollback_of_an_idle_listener(chain, server):
    """No background load: the listener idles in accept() between sessions,
    inside whichever version of vsf_sysutil_accept_timeout it last called."""
    from polusgen.errors import PolusError
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    srv, files = server()
    for step in chain:
        apply_patch(srv.pid, step.patch_so, wait=0.2)
        assert vs.ftp_session(srv.port, files) == step.new
    seen = []
    for _ in range(2 * len(chain)):
        if process_status(srv.pid).version == 0:
            break
        try:
            rollback_patch(srv.pid, to=0, wait=0.2)
        except PolusError:
            pass            # still rolling back: the next session lets it finish
        v = process_status(srv.pid).version
        got = vs.ftp_session(srv.port, files)
        seen.append((v, got))
        assert got == vs.CHAIN[v], seen
    assert process_status(srv.pid).version == 0
    assert vs.ftp_session(srv.port, files) == "2.0.0"
    assert srv.alive()


def test_2_0_1_fixes_the_empty_password_in_the_two_process_model(chain, server):
    """The 2.0.1 fix ("session bale out if an empty length password is
    given": priv_sock_send_str/priv_sock_get_str) runs in both processes of
    every session forked after the update, and goes with the rollback."""
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch

    srv, files = server("two-process")
    assert "OOPS" in vs.empty_password_login(srv.port)
    apply_patch(srv.pid, chain[0].patch_so, wait=0.2)
    assert vs.empty_password_login(srv.port).startswith("230")
    assert vs.ftp_session(srv.port, files) == "2.0.1"
    rollback_patch(srv.pid, wait=0.2)
    assert vs.ftp_session(srv.port, files) == "2.0.0"
    assert "OOPS" in vs.empty_password_login(srv.port)
    assert srv.alive()


def mdtm_set(port: int, name: str) -> str:
    """Ask to set a file's time (MDTM YYYYMMDDhhmmss name): the reply's first line."""
    import ftplib

    f = ftplib.FTP()
    try:
        f.connect(vs.HOST, port, timeout=10)
        f.login()
        try:
            reply = f.sendcmd(f"MDTM 20040101000000 {name}")
        except ftplib.error_perm as e:
            reply = str(e)
        f.quit()
    finally:
        f.close()
    return reply.splitlines()[0]


def test_option_added_by_2_0_4_is_read_by_the_user_code(chain, server, tmp_path):
    """corpus/vsftpd/user/2.0.3-2.0.4.c: an option 2.0.0 would have refused
    at start (mdtm_write=NO), added to the config file before the update,
    holds in the sessions that follow it; without it MDTM sets times."""
    from polusgen.inject.apply import apply_patch

    assert chain[-1].user_code is not None and chain[-1].user_code.name == "2.0.3-2.0.4.c"
    write = ["write_enable=YES", "anon_other_write_enable=YES"]
    srv, files = server()
    stamp = tmp_path / "root" / "stamp.txt"
    stamp.write_text("stamp\n")
    ftp = pwd.getpwnam("ftp")
    os.chown(stamp, ftp.pw_uid, ftp.pw_gid)
    os.utime(stamp, (1_500_000_000, 1_500_000_000))
    # the server was started with the write config (restart it so)
    srv.stop()
    conf = vs.write_config(tmp_path / "vsftpd.conf", srv.port, tmp_path / "root", tmp_path / "empty", write)
    srv = vs.Vsftpd(vs.binary("2.0.0"), conf, srv.port, tmp_path / "vsftpd2.log")
    try:
        for step in chain[:-1]:
            apply_patch(srv.pid, step.patch_so, wait=0.2)
        conf.write_text(conf.read_text() + "mdtm_write=NO\n")
        apply_patch(srv.pid, chain[-1].patch_so, wait=0.2)
        assert vs.ftp_session(srv.port, files) == "2.0.4"
        assert mdtm_set(srv.port, "stamp.txt").startswith("550")
        assert stamp.stat().st_mtime == 1_500_000_000
    finally:
        srv.stop()
    # the contrast: 2.0.4 started with the write config but no mdtm_write line sets the time
    if vs.binary("2.0.4").is_file():
        conf = vs.write_config(tmp_path / "ref.conf", vs.free_port(), tmp_path / "root", tmp_path / "empty", write)
        with vs.Vsftpd(vs.binary("2.0.4"), conf, int(conf.read_text().split("listen_port=")[1].split()[0]),
                       tmp_path / "ref.log") as ref:
            assert mdtm_set(ref.port, "stamp.txt").startswith("213")
        assert stamp.stat().st_mtime != 1_500_000_000


def test_rollback_after_an_unsampled_rollback_finished(chain, server):
    """v1 and v2 applied; rolling v2 back leaves it 'rolling-back' because the
    idle listener sits in v2's vsf_sysutil_accept_timeout.  One session makes
    that function return, so v2 is done; the next rollback must take v1 back
    (nothing of v2 is active any more) instead of being refused."""
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    srv, files = server()
    for step in chain[:2]:
        apply_patch(srv.pid, step.patch_so, wait=0.2)
        assert vs.ftp_session(srv.port, files) == step.new
    time.sleep(0.5)            # the listener back in accept(), inside v2's function
    first = rollback_patch(srv.pid, wait=0.2)
    assert vs.ftp_session(srv.port, files) == "2.0.1"
    if first.terminated:
        pytest.skip("v2 finished rolling back at once: the listener was not inside it")
    rollback_patch(srv.pid, wait=0.2)
    assert process_status(srv.pid).version == 0
    assert vs.ftp_session(srv.port, files) == "2.0.0"


def test_evolve_chain_answers_like_each_release(reference, server, tmp_path):
    """`polusgen evolve 2.0.0 .. 2.0.4 --binary` must give the same behaviour
    as the chain of `polusgen diff --binary` patches above."""
    from polusgen.evolve import evolve
    from polusgen.inject.apply import apply_patch

    user = {n: vs.user_code(a, b) for n, (a, b) in enumerate(zip(vs.CHAIN, vs.CHAIN[1:]), start=1)}
    steps = evolve([REL / v for v in vs.CHAIN], tmp_path / "evolve", binary=vs.binary(vs.CHAIN[0]),
                   program="vsftpd", user_code={n: p for n, p in user.items() if p})
    srv, files = server()
    diffs = {}
    for step, version in zip(steps, vs.CHAIN[1:]):
        apply_patch(srv.pid, step.patch_so, wait=0.2)
        assert vs.ftp_session(srv.port, files) == version
        diffs[version] = vs.probe_diff(vs.probe(srv.port), reference[version])
    assert diffs == {v: {} for v in vs.CHAIN[1:]}


def test_the_readme_commands(server, tmp_path):
    """corpus/vsftpd/README.md's commands, as a user types them: polusgen
    diff/build per step with one version file, apply, status, rollback."""
    def polusgen(*args) -> str:
        return run_polusgen(*args, cwd=tmp_path).stdout

    _need()
    exe = vs.binary(vs.CHAIN[0])
    srv, files = server()
    for i, (a, b) in enumerate(zip(vs.CHAIN, vs.CHAIN[1:]), start=1):
        uc = vs.user_code(a, b)
        polusgen("diff", REL / a, REL / b, "-o", f"v{i}.polus.c", "--binary", exe, "--version-file", "vsftpd.json",
                 *(["--user-code", uc] if uc else []))
        polusgen("build", f"v{i}.polus.c", "-o", f"v{i}.so")
        out = polusgen("apply", srv.pid, f"v{i}.so")
        assert f"(vsftpd v{i - 1} -> v{i})" in out
        assert vs.ftp_session(srv.port, files) == b
    assert "runs version 4" in polusgen("status", srv.pid)
    for _ in range(8):
        if "runs version 0" in polusgen("status", srv.pid):
            break
        # exit status 1 while a patch still rolls back (the idle listener inside its accept)
        r = run_polusgen("rollback", srv.pid, "--to", "0", cwd=tmp_path, check=False)
        assert r.returncode == 0 or r.returncode == 1 and "not finished" in r.stdout, r.stdout + r.stderr
        vs.ftp_session(srv.port, files)
    assert "runs version 0" in polusgen("status", srv.pid)
    assert vs.ftp_session(srv.port, files) == "2.0.0"
