"""Every ftpish version, built and run on its own: login, every command of
that version, the error replies, the config file, the session limit (which
needs the listener to reap its session processes) and concurrent sessions."""
from __future__ import annotations

import os
import time

import pytest

from tests.support.process import eventually

from .client import FTPClient, FTPScenario, LoadClient
from .harness import BIG, ServerProcess, versions

VERSIONS = versions("ftpish")
# the commands each version adds
NEW_COMMANDS = {0: ["USER", "PASS", "PWD", "CWD", "LIST", "RETR", "NOOP", "SYST", "QUIT"],
                1: ["SIZE", "STAT"], 2: [], 3: ["HELP", "CDUP"], 4: ["FEAT", "MDTM"]}
ALL_COMMANDS = [c for cmds in NEW_COMMANDS.values() for c in cmds]
MAX_LOGIN_FAILS = {0: None, 1: 3, 2: 3, 3: 2, 4: 2}


def num(version: str) -> int:
    return int(version[1:])


def commands_of(n: int) -> list[str]:
    return [c for k in range(n + 1) for c in NEW_COMMANDS[k]]


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


@pytest.fixture
def ftp(version, root, start_server, tmp_path):
    """ftp(**settings) -> a running server of this version; the settings, if
    any, go to a config file."""

    def start(**settings) -> ServerProcess:
        args = [root]
        if settings:
            conf = tmp_path / "ftpish.conf"
            conf.write_text("# written by the test\n"
                            + "".join(f"{k} = {v}\n" for k, v in settings.items()))
            args.append(conf)
        return start_server("ftpish", version, *args)

    return start


def connect(srv: ServerProcess, login: bool = True) -> FTPClient:
    c = FTPClient(srv.port)
    greeting = c.read_reply()
    assert greeting.code == 220, greeting.lines
    if login:
        c.login()
    return c


def test_every_version_is_covered():
    assert VERSIONS == [f"v{n}" for n in range(len(NEW_COMMANDS))]


def test_greeting_and_login(ftp, version):
    n = num(version)
    srv = ftp()
    with FTPClient(srv.port) as c:
        assert c.read_reply().lines == [f"220 ftpish {n} ready"]
        for cmd in ("PWD", "CWD sub", "LIST", "RETR hello.txt"):
            assert c.cmd(cmd).code == 530, cmd
        assert c.cmd("PASS x").code == 503
        assert c.cmd("USER root").lines == ["530 This FTP server is anonymous only."]
        assert c.cmd("USER anonymous").code == 331
        assert c.cmd("PASS guest@").lines == ["230 Login successful."]
        assert c.cmd("PASS again").lines == ["230 Already logged in."]
        assert c.cmd("USER anonymous").code == 530
        assert c.cmd("PWD").code == 257


def test_basic_commands_and_quit(ftp, version):
    with connect(ftp()) as c:
        assert c.cmd("NOOP").lines == ["200 NOOP ok."]
        assert c.cmd("noop").code == 200                 # verbs ignore case
        assert c.cmd("SYST").lines == ["215 UNIX Type: L8"]
        assert c.cmd("FROB").lines == ["500 Unknown command."]
        assert c.cmd("QUIT").lines == ["221 Goodbye."]
        assert c.at_eof()


def test_commands_of_later_versions_are_unknown(ftp, version):
    later = [cmd for cmd in ALL_COMMANDS if cmd not in commands_of(num(version))]
    with connect(ftp()) as c:
        for cmd in later:
            assert c.cmd(f"{cmd} hello.txt").code == 500, cmd


def test_overlong_line_ends_the_session(ftp, version):
    with connect(ftp()) as c:
        c.send("NOOP " + "x" * 600)
        assert c.read_reply().lines == ["500 Command line too long."]
        assert c.at_eof()


def test_directories(ftp, version):
    with connect(ftp()) as c:
        assert c.cmd("PWD").lines == ['257 "/" is the current directory']
        assert c.cmd("CWD sub").lines == ["250 Directory successfully changed."]
        assert c.cmd("PWD").text == '"/sub" is the current directory'
        assert c.cmd("CWD /sub/./").code == 250
        assert c.cmd("PWD").text == '"/sub" is the current directory'
        assert c.cmd("CWD ..").code == 250
        assert c.cmd("PWD").text == '"/" is the current directory'
        assert c.cmd("CWD ../../..").code == 250            # never above the root
        assert c.cmd("PWD").text == '"/" is the current directory'
        assert c.cmd("CWD nope").lines == ["550 Failed to change directory."]
        assert c.cmd("CWD hello.txt").code == 550
        if num(version) >= 3:
            c.expect("CWD sub", 250)
            assert c.cmd("CDUP").code == 250
            assert c.cmd("PWD").text == '"/" is the current directory'


def listed_names(n: int, lines: list[str]) -> list[str]:
    if n < 4:
        return lines
    return [line.split()[-1] for line in lines]


def test_list(ftp, version):
    n = num(version)
    with connect(ftp()) as c:
        top = c.list()
        assert listed_names(n, top) == ["big.bin", "hello.txt", "sub"]
        assert listed_names(n, c.list("sub")) == ["inner.txt"]
        c.expect("CWD sub", 250)
        assert listed_names(n, c.list()) == ["inner.txt"]
        assert listed_names(n, c.list("/")) == ["big.bin", "hello.txt", "sub"]
        assert c.cmd("LIST /nope").lines == ["550 Failed to open directory."]
    if n >= 4:    # long lines: type, links, owner, group, size, name
        by_name = {line.split()[-1]: line.split() for line in top}
        assert by_name["sub"][0].startswith("d")
        assert by_name["hello.txt"][0].startswith("-")
        assert by_name["hello.txt"][1:5] == ["1", "ftp", "ftp", "6"]
        assert by_name["big.bin"][4] == str(len(BIG))


def test_hide_dotfiles_setting(ftp, version):
    n = num(version)
    with connect(ftp(hide_dotfiles=0)) as c:
        names = listed_names(n, c.list())
    # v4 dropped the setting: it is accepted, and dotfiles stay hidden
    assert (".hidden" in names) == (n < 4)


def test_retr(ftp, version, root):
    with connect(ftp()) as c:
        assert c.retr("hello.txt") == b"hello\n"
        assert c.retr("/sub/inner.txt") == b"inner\n"
        assert c.retr("big.bin") == BIG
        c.expect("CWD sub", 250)
        assert c.retr("inner.txt") == b"inner\n"
        assert c.retr("../hello.txt") == b"hello\n"
        assert c.cmd("RETR nope").lines == ["550 Failed to open file."]
        assert c.cmd("RETR /sub").code == 550                 # not a file
        # ".." stops at the root: this names <root>/etc/passwd, which is absent
        assert c.cmd("RETR ../../../../etc/passwd").code == 550
        assert c.cmd("NOOP").code == 200


def test_banner_from_config(ftp, version):
    n = num(version)
    srv = ftp(banner="Welcome to the %s test %d server")
    with FTPClient(srv.port) as c:
        assert c.read_reply().lines == ["220-Welcome to the %s test %d server",
                                        f"220 ftpish {n} ready"]


def test_bad_config_is_refused(ftp, version):
    with pytest.raises(RuntimeError, match="exited early"):
        ftp(colour="blue")
    with pytest.raises(RuntimeError, match="exited early"):
        ftp(max_sessions=0)


def test_session_table_size(ftp, version):
    if num(version) < 4:
        assert ftp(max_sessions=65).alive()     # a list of sessions has no size
    else:
        with pytest.raises(RuntimeError, match="exited early"):
            ftp(max_sessions=65)                 # a table of 64 slots


def test_session_limit_and_reaping(ftp, version):
    srv = ftp(max_sessions=2)
    a, b = connect(srv, login=False), connect(srv, login=False)
    with FTPClient(srv.port) as c:
        assert c.read_reply().lines == [
            "421 There are too many connected users, please try later."]
        assert c.at_eof()
    a.expect("QUIT", 221)
    a.close()

    def third_session() -> int:        # 421 until the listener has reaped a
        with FTPClient(srv.port) as d:
            code = d.read_reply().code
            if code == 220:
                d.expect("QUIT", 221)
            return code

    eventually(third_session, lambda code: code == 220, pause=0.05)
    b.close()
    assert srv.alive()


def test_anonymous_user_names_and_failed_logins(ftp, version):
    n = num(version)
    srv = ftp()
    with FTPClient(srv.port) as c:
        c.read_reply()
        assert c.cmd("USER ftp").code == (331 if n >= 1 else 530)
    limit = MAX_LOGIN_FAILS[n]
    with FTPClient(srv.port) as c:
        c.read_reply()
        for _ in range((limit or 6) - 1):
            assert c.cmd("USER mallory").code == 530
        if limit is None:
            assert c.cmd("USER anonymous").code == 331
        else:
            assert c.cmd("USER mallory").lines == ["421 Too many failed logins."]
            assert c.at_eof()


def stat_fields(c: FTPClient) -> dict[str, str]:
    reply = c.expect("STAT", 211)
    return dict(f.split("=", 1) for f in reply.text.split() if "=" in f)


def test_size_and_stat(ftp, version):
    n = num(version)
    if n < 1:
        pytest.skip("SIZE and STAT come in v1")
    srv = ftp()
    with connect(srv, login=False) as a:
        assert a.cmd("SIZE hello.txt").code == 530
        assert a.expect("STAT", 211).text.startswith(f"ftpish {n}: ")
        assert stat_fields(a)["user"] == "-"
        a.login()
        assert a.cmd("SIZE hello.txt").lines == ["213 6"]
        assert a.cmd("SIZE big.bin").text == str(len(BIG))
        assert a.cmd("SIZE nope").lines == ["550 Could not get file size."]
        assert a.cmd("SIZE sub").code == 550
        a.retr("hello.txt")
        a.retr("big.bin")
        fields = stat_fields(a)
        assert fields["user"] == "anonymous"
        assert fields["bytes"] == str(6 + len(BIG))
        assert fields["commands"] == "12"          # every command, STAT included
        assert fields["sessions"] == "1"
        with connect(srv) as b:                    # counted when b was forked
            assert stat_fields(b)["sessions"] == "2"
            if n >= 2:
                assert (stat_fields(a)["session"], stat_fields(b)["session"]) == ("1", "2")
        if n < 2:
            assert "session" not in fields


def test_idle_timeout(ftp, version):
    if num(version) < 2:
        with pytest.raises(RuntimeError, match="exited early"):
            ftp(idle_timeout=1)          # an unknown setting before v2
        return
    with connect(ftp(idle_timeout=1), login=False) as c:
        assert c.read_reply().lines == ["421 Timeout."]   # within the 5 s client timeout
        assert c.at_eof()


def test_help(ftp, version):
    if num(version) < 3:
        pytest.skip("HELP comes in v3")
    with connect(ftp(), login=False) as c:
        reply = c.expect("HELP", 214)
        assert reply.lines[0] == "214-The following commands are recognized."
        assert reply.lines[-1] == "214 Help OK."
        assert set(" ".join(reply.lines[1:-1]).split()) == set(commands_of(num(version)))


def test_feat_and_mdtm(ftp, version, root):
    if num(version) < 4:
        pytest.skip("FEAT and MDTM come in v4")
    os.utime(root / "hello.txt", (1700000000, 1700000000))
    with connect(ftp()) as c:
        assert c.cmd("FEAT").lines == ["211-Features:", " MDTM", " SIZE", "211 End"]
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(1700000000))
        assert c.cmd("MDTM hello.txt").lines == [f"213 {stamp}"]
        assert c.cmd("MDTM nope").lines == ["550 Could not get file modification time."]
        assert c.cmd("MDTM sub").code == 550


def test_concurrent_sessions(ftp, version):
    srv = ftp()
    scenario = FTPScenario("big.bin", BIG)
    results = LoadClient(srv.port, scenario, workers=4, count=8, seconds=60).start().wait()
    assert not results.failures, results.failures[:3]
    assert results.steps == 32
    assert results.versions == {f"ftpish {num(version)} ready"}
