"""The paper's case study on a live vsftpd: helpers for tests/vsftpd and a
runnable study (``python tests/vsftpd/vsftpd_study.py``).

Nothing of vsftpd is in this repository.  Two folders come from the user:

  POLUS_VSFTPD_DIR    release trees, one folder per release (2.0.0, 2.0.1, ...)
  POLUS_VSFTPD_BUILD  the binaries: <folder>/<release>/vsftpd, built with
                      vsftpd's own Makefile keeping symbols (-g, no -s)

The running server is the 2.0.0 binary in standalone mode on 127.0.0.1 (a
free port, a temporary config and a temporary anonymous root this module
writes).  vsftpd forks a process per session and each session calls
setsid(), so stop() kills the listener's process group and every
descendant by its pid.  Every client loop is bounded in count and time.
"""
from __future__ import annotations

import ftplib
import hashlib
import io
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

REPO = Path(__file__).resolve().parents[2]
USER_DIR = REPO / "corpus" / "vsftpd" / "user"
CHAIN = ("2.0.0", "2.0.1", "2.0.2", "2.0.3", "2.0.4")
HOST = "127.0.0.1"
BANNER = re.compile(r"^220 \(vsFTPd (\d+\.\d+\.\d+)\)")


def releases_dir() -> Optional[Path]:
    v = os.environ.get("POLUS_VSFTPD_DIR")
    return Path(v) if v else None


def build_dir() -> Optional[Path]:
    v = os.environ.get("POLUS_VSFTPD_BUILD")
    return Path(v) if v else None


def binary(version: str, build: Optional[Path] = None) -> Path:
    return Path(build or build_dir()) / version / "vsftpd"


def user_code(old: str, new: str, user_dir: Path = USER_DIR) -> Optional[Path]:
    """corpus/vsftpd/user/<old>-<new>.c, the hand-written part of that step, if any."""
    p = user_dir / f"{old}-{new}.c"
    return p if p.is_file() else None


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_root(root: Path) -> dict[str, bytes]:
    """The anonymous root: a small text file and a 1 MiB binary one (fixed
    pseudo-random bytes).  Returns {name: content} for the clients to check."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    files = {"hello.txt": b"hello from the polusgen vsftpd study\n",
             "big.bin": random.Random(2010).randbytes(1 << 20)}
    for name, data in files.items():
        (root / name).write_bytes(data)
        os.chmod(root / name, 0o644)
    return files


def write_config(path: Path, port: int, root: Path, empty: Path, extra: Sequence[str] = ()) -> Path:
    """A standalone anonymous-only config every 2.0.x release accepts (plus
    the `extra` lines)."""
    empty.mkdir(parents=True, exist_ok=True)
    os.chmod(empty, 0o755)
    path.write_text("\n".join([
        "listen=YES", f"listen_address={HOST}", f"listen_port={port}",
        "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
        f"anon_root={root}", f"secure_chroot_dir={empty}",
        "ftp_username=ftp", "nopriv_user=nobody",
        "background=NO", "xferlog_enable=NO", "pasv_enable=YES",
        "idle_session_timeout=60", "data_connection_timeout=60", *extra, "",
    ]))
    return path


def running(pids: Sequence[int]) -> list[int]:
    """Those of pids that still run (a zombie waiting for init counts as gone)."""
    out = []
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] != "Z":
            out.append(p)
    return out


class Vsftpd:
    """One standalone vsftpd: ``exe conf`` in a new session (process group)."""

    def __init__(self, exe: Path, conf: Path, port: int, log: Path, start_timeout: float = 10.0):
        self.exe, self.conf, self.port, self.log = Path(exe), Path(conf), port, Path(log)
        self._log = open(self.log, "wb")
        self.proc = subprocess.Popen([str(self.exe), str(self.conf)], stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.banner = self._wait_ready(start_timeout)
        except Exception:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _wait_ready(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        last: Exception = TimeoutError("never tried")
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.exe} exited ({self.proc.returncode}): {self.log.read_text()!r}")
            try:
                with socket.create_connection((HOST, self.port), timeout=2) as s:
                    line = s.makefile("rb").readline().decode(errors="replace").strip()
                    if BANNER.match(line):
                        return line
                    last = RuntimeError(f"unexpected greeting {line!r}")
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise TimeoutError(f"{self.exe} did not greet on {HOST}:{self.port} in {timeout}s: {last}")

    def stop(self) -> list[int]:
        """Kills the listener's group and every session it forked (each session
        is its own session leader, so not in the group), then reaps.  Returns
        the pids it killed besides the listener's.  A second call does nothing
        (the group id may belong to someone else by then)."""
        if getattr(self, "_stopped", False):
            return []
        self._stopped = True
        from polusgen.study.server import kill_tree

        kids = kill_tree(self.proc)
        self._log.close()
        return kids

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------- clients

class ContentMismatch(Exception):
    pass


STAT_VERSION = re.compile(r"vsFTPd (\d+\.\d+\.\d+) - secure, fast, stable")


def stat_version(port: int, timeout: float = 10.0) -> str:
    """Log in and ask STAT: the version the post-login code prints ("2.0.1")."""
    f = ftplib.FTP()
    try:
        f.connect(HOST, port, timeout=timeout)
        f.login()
        text = f.sendcmd("STAT")
        f.quit()
    finally:
        f.close()
    m = STAT_VERSION.search(text)
    if not m:
        raise ContentMismatch(f"STAT {text!r}")
    return m.group(1)


# Config lines per process model.  Anonymous-only vsftpd forces its one
# process model (a session is one process); connect_from_port_20 needs
# privilege, so each session is an unprivileged process plus a privileged
# helper talking over a socket pair (priv_sock_*, fixed in 2.0.1).
MODES = {"one-process": (), "two-process": ("connect_from_port_20=YES",)}


def empty_password_login(port: int, timeout: float = 10.0) -> str:
    """USER anonymous, then PASS with no password: the reply's first line.
    2.0.0 in the two process model ends the session ("500 OOPS: zero str_len
    in str_netfd_write"); 2.0.1 fixed it."""
    f = ftplib.FTP()
    try:
        f.connect(HOST, port, timeout=timeout)
        f.sendcmd("USER anonymous")
        f.putcmd("PASS")
        try:
            reply = f.getmultiline()
        except (EOFError, OSError) as e:
            reply = f"connection lost: {type(e).__name__}"
    finally:
        f.close()
    return reply.splitlines()[0] if reply else ""


# Commands whose replies tell the releases apart for an anonymous client:
# EPSV 1 and EPRT |1| are accepted from 2.0.3 on, MDTM with a time (setting
# the time) is refused by 2.0.4 when writes are off; the rest must not move.
PROBES = ("SYST", "PWD", "CWD /", "CWD nosuch", "TYPE I", "TYPE X", "MODE S", "STRU F", "SIZE hello.txt",
          "SIZE nosuch", "MDTM nosuch", "MDTM 20040101000000 hello.txt", "EPSV 1", "EPSV 2",
          "EPRT |1|127.0.0.1|40000|", "EPRT |9|x|1|", "PORT 1,2,3", "REST 1", "REST 0", "NOOP", "STOU",
          "DELE hello.txt", "SITE CHMOD 777 hello.txt", "HELP", "FEAT", "STAT", "XYZZY")
_NUMBERS = re.compile(r"\d+")


def probe(port: int, timeout: float = 10.0, tries: int = 3) -> dict[str, str]:
    """Each of PROBES in one anonymous session: {command: reply}, with every
    number masked as N (ports, times, versions, counts).  A session that
    vsftpd's own PASV race ended ("OOPS: listen", see ftp_session) is asked
    again, at most `tries` times in all."""
    for _ in range(tries - 1):
        out = _probe_once(port, timeout)
        if not any("OOPS: listen" in r for r in out.values()):
            return out
    return _probe_once(port, timeout)


def _probe_once(port: int, timeout: float) -> dict[str, str]:
    f = ftplib.FTP()
    out = {}
    try:
        f.connect(HOST, port, timeout=timeout)
        f.login()
        for cmd in PROBES:
            f.putcmd(cmd)
            try:
                reply = f.getmultiline()
            except (EOFError, OSError) as e:
                out[cmd] = f"connection lost: {type(e).__name__}"
                break
            out[cmd] = _NUMBERS.sub("N", reply)
        f.close()
    finally:
        f.close()
    return out


def reference_probes(build: Path, versions: Sequence[str], work: Path,
                     extra: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """probe() against a freshly started binary of every release (config
    lines `extra` added): what each release answers when it is started."""
    files = make_root(work / "root")
    out = {}
    for v in versions:
        port = free_port()
        conf = write_config(work / f"ref-{v}.conf", port, work / "root", work / "empty", extra)
        with Vsftpd(binary(v, build), conf, port, work / f"ref-{v}.log"):
            ftp_session(port, files)
            out[v] = probe(port)
    return out


def probe_diff(got: dict[str, str], want: dict[str, str]) -> dict[str, tuple]:
    """{command: (reply got, reply wanted)} where they differ."""
    return {c: (got.get(c), want.get(c)) for c in want if got.get(c) != want.get(c)}


def ftp_session(port: int, files: dict[str, bytes], timeout: float = 10.0, passive: bool = False) -> str:
    """Connect, log in anonymously, download every file and check its bytes,
    quit.  Returns the version in the greeting ("2.0.1"); raises on any failure.

    Active mode (PORT) by default: vsftpd 2.0.0 to 2.0.6 end a session with
    "500 OOPS: listen" when listen() on the PASV socket they just bound fails
    with EADDRINUSE (2.0.7 retries); measured here on an unpatched 2.0.0 under
    this load, about 1 session in 300, more with a narrow pasv port range."""
    f = ftplib.FTP()
    try:
        greeting = f.connect(HOST, port, timeout=timeout)
        m = BANNER.match(greeting)
        if not m:
            raise ContentMismatch(f"greeting {greeting!r}")
        f.login()
        f.set_pasv(passive)
        for name, data in files.items():
            buf = io.BytesIO()
            f.retrbinary(f"RETR {name}", buf.write)
            got = buf.getvalue()
            if got != data:
                raise ContentMismatch(f"{name}: {len(got)} bytes, sha256 {hashlib.sha256(got).hexdigest()[:12]}")
        f.quit()
        return m.group(1)
    finally:
        f.close()


@dataclass
class ClientLoad:
    """Background anonymous clients, each looping over ftp_session until
    stop(), max_sessions each or max_seconds, whichever comes first."""
    port: int
    files: dict[str, bytes]
    threads: int = 2
    max_sessions: int = 5000
    max_seconds: float = 300.0
    pause: float = 0.02
    timeout: float = 10.0           # a session's every wait for the server
    ok: int = 0
    failures: list[tuple[float, str]] = field(default_factory=list)
    banners: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]

    def start(self) -> "ClientLoad":
        for w in self._workers:
            w.start()
        return self

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        for _ in range(self.max_sessions):
            if self._stop.is_set() or time.monotonic() > deadline:
                return
            try:
                v = ftp_session(self.port, self.files, self.timeout)
                with self._lock:
                    self.ok += 1
                    self.banners[v] = self.banners.get(v, 0) + 1
            except Exception as e:  # every failed operation is counted, none stops the load
                with self._lock:
                    self.failures.append((time.monotonic(), f"{type(e).__name__}: {e}"))
            self._stop.wait(self.pause)

    def stop(self) -> None:
        self._stop.set()
        for w in self._workers:
            w.join(timeout=30)


# ---------------------------------------------------------------- patches

@dataclass
class Step:
    old: str
    new: str
    patch_c: Path
    patch_so: Path
    counts: dict
    user_code: Optional[Path]
    warnings: list[str]


def build_chain(releases: Path, exe: Path, out: Path, versions: Sequence[str] = CHAIN,
                user_dir: Path = USER_DIR) -> list[Step]:
    """One patch per consecutive pair, all with one version file and all for
    the running binary `exe` (the first release's): what `polusgen diff A B
    -o P --binary EXE --version-file F [--user-code U]` + `polusgen build`
    do for each step."""
    from polusgen.build import build_patch
    from polusgen.pipeline import run_diff

    out.mkdir(parents=True, exist_ok=True)
    vf = out / "vsftpd.json"
    vf.unlink(missing_ok=True)
    steps = []
    for a, b in zip(versions, versions[1:]):
        uc = user_code(a, b, user_dir)
        c = out / f"vsftpd-{a}-{b}.polus.c"
        cs = run_diff(releases / a, releases / b, output=c, report=False, verbose=False, json_out=None,
                      include=[], define=[], version_file=vf, binary=exe, program="vsftpd",
                      user_code=uc, use_cache=True)
        so = build_patch(c, out / f"vsftpd-{a}-{b}.so", include_dirs=[str(releases / b)], user_code=uc)
        steps.append(Step(a, b, c, so, cs.counts(), uc, [str(w) for w in cs.warnings]))
    return steps


def counts_row(counts: dict) -> str:
    """'functions +0 -0 ~9, types +0 -0 ~0, globals +1 -0 ~0' from ChangeSet.counts()."""
    parts = []
    for kind, c in counts.items():
        name = getattr(kind, "value", str(kind))
        parts.append(f"{name} +{c.get('added', 0)} -{c.get('deleted', 0)} ~{c.get('changed', 0)}")
    return ", ".join(parts)


# ---------------------------------------------------------------- the study

@dataclass
class StudyResult:
    steps: list[Step] = field(default_factory=list)
    applies: list = field(default_factory=list)        # ApplyResult per step
    banners_after: list[str] = field(default_factory=list)
    stat_after: list[str] = field(default_factory=list)     # STAT's version in a new session
    probe_diffs: list[dict] = field(default_factory=list)   # per step: {command: (updated, started)}
    rollbacks: list = field(default_factory=list)      # RollbackResult per call
    banner_after_rollback: str = ""
    load: Optional[ClientLoad] = None
    alive: bool = False


def run_study(releases: Path, build: Path, work: Path, versions: Sequence[str] = CHAIN,
              threads: int = 2, mode: str = "one-process", log=print) -> StudyResult:
    from polusgen.errors import PolusError
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    work.mkdir(parents=True, exist_ok=True)
    res = StudyResult()
    exe = binary(versions[0], build)
    res.steps = build_chain(releases, exe, work / "patches", versions)
    for s in res.steps:
        log(f"{s.old} -> {s.new}: {counts_row(s.counts)}; user code: {s.user_code or 'none'}")

    ref = reference_probes(build, versions, work / "reference", MODES[mode])
    files = make_root(work / "root")
    port = free_port()
    conf = write_config(work / "vsftpd.conf", port, work / "root", work / "empty", MODES[mode])
    with Vsftpd(exe, conf, port, work / "vsftpd.log") as srv:
        log(f"started {exe} (pid {srv.pid}, {mode} model) on {HOST}:{port}: {srv.banner}")
        load = res.load = ClientLoad(port, files, threads=threads).start()
        try:
            time.sleep(0.5)
            for s in res.steps:
                r = apply_patch(srv.pid, s.patch_so, wait=0.5)
                res.applies.append(r)
                log(f"apply {s.old} -> {s.new}: {r.total_ms:.1f} ms, threads stopped {r.stopped_ms:.1f} ms, "
                    f"{len(r.redirects)} redirects, state {r.state}")
                res.banners_after.append(ftp_session(port, files))
                res.stat_after.append(stat_version(port))
                log(f"  a new session now greets with {res.banners_after[-1]}, STAT says {res.stat_after[-1]}")
                res.probe_diffs.append(probe_diff(probe(port), ref[s.new]))
                log(f"  replies that differ from a started {s.new}: {res.probe_diffs[-1] or 'none'}")
                time.sleep(0.3)
            # back to the first release: a patch still rolling back (the
            # listener idles inside one of its new functions until the next
            # connection) is waited for by making a connection and asking again
            for _ in range(4 * len(res.steps)):
                if process_status(srv.pid).version == 0:
                    break
                try:
                    rb = rollback_patch(srv.pid, to=0, wait=0.5)
                    res.rollbacks.append(rb)
                    log(f"rollback: now v{rb.version}, {rb.total_ms:.1f} ms, "
                        f"{'terminated' if rb.terminated else 'in progress'}")
                except PolusError as e:
                    log(f"rollback: {e}")
                ftp_session(port, files)
            res.banner_after_rollback = ftp_session(port, files)
            res.probe_diffs.append(probe_diff(probe(port), ref[versions[0]]))
            log(f"  replies that differ from a started {versions[0]}: {res.probe_diffs[-1] or 'none'}")
            log(f"after rollback a new session greets with {res.banner_after_rollback}")
            time.sleep(0.3)
        finally:
            load.stop()
        res.alive = srv.alive()
    log(f"clients: {load.ok} sessions ok, {len(load.failures)} failed; banners {load.banners}")
    for t, f in load.failures[:10]:
        log(f"  failure: {f}")
    return res


def main(argv: Sequence[str]) -> int:
    rel, bld = releases_dir(), build_dir()
    if not rel or not bld:
        print("set POLUS_VSFTPD_DIR (release trees) and POLUS_VSFTPD_BUILD (built binaries)", file=sys.stderr)
        return 2
    work = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="polus-vsftpd-"))
    ok = True
    for mode in MODES:
        print(f"== {mode} model")
        res = run_study(rel, bld, work / mode, mode=mode)
        ok &= (res.alive and not res.load.failures and res.banners_after == list(CHAIN[1:])
               and res.stat_after == list(CHAIN[1:]) and not any(res.probe_diffs)
               and res.banner_after_rollback == CHAIN[0])
    print("study", "passed" if ok else "FAILED", "- everything is in", work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
