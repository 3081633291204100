"""Build the corpus servers and run one of them as a child process.

    bins = build_all(tmp_dir)                 # {("kvserver", "v0"): Path, ...}
    with ServerProcess(bins["kvserver", "v2"]) as srv:
        ... srv.port ...

A server is started with port 0 and prints "listening <port>" as its first
stdout line.  It runs in its own process group so that stop() also ends the
session processes ftpish forks; stop() kills that group (by its id) and
waits.  Usable outside pytest (live-update tests, benchmarks).
"""
from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.cases import CORPUS, Case

SERVERS = ("kvserver", "ftpish", "poolhttp")
BIG = bytes(range(256)) * 400          # 100 KiB, every byte value


def versions(server: str) -> list[str]:
    """The releases of a server, in order: v0, v1, ..."""
    return Case(CORPUS / server).versions()


def source_dir(server: str, version: str) -> Path:
    return Case(CORPUS / server).version(version)


def _make(out: Path, targets: list[str], jobs: int) -> None:
    """Runs corpus/Makefile.  CORPUS_CFLAGS in the environment replaces the
    compiler flags (and is passed to the link), e.g. to build with sanitizers:
    CORPUS_CFLAGS="-O1 -g -fsanitize=address,undefined -pthread"."""
    cmd = ["make", "-s", f"-j{jobs}", "-C", str(CORPUS), f"BUILD={out}", *targets]
    flags = os.environ.get("CORPUS_CFLAGS")
    if flags:
        cmd += [f"CFLAGS={flags}", f"LDFLAGS={flags}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"corpus build failed:\n{proc.stdout}\n{proc.stderr}")


def build_all(out_dir: str | os.PathLike, jobs: int = 2) -> dict[tuple[str, str], Path]:
    """Builds every version of every server with corpus/Makefile into out_dir."""
    out = Path(out_dir).resolve()
    _make(out, [], jobs)
    return {(s, v): out / f"{s}-{v}" for s in SERVERS for v in versions(s)}


def build(server: str, version: str, out_dir: str | os.PathLike) -> Path:
    """Builds one release into out_dir; returns the binary's path."""
    out = Path(out_dir).resolve()
    _make(out, [f"{server}-{version}"], 1)
    return out / f"{server}-{version}"


def ftp_root(r: Path) -> Path:
    """The tree ftpish serves as "/" in the tests: hello.txt, sub/inner.txt, big.bin, .hidden."""
    (r / "sub").mkdir(parents=True)
    (r / "hello.txt").write_bytes(b"hello\n")
    (r / "sub" / "inner.txt").write_bytes(b"inner\n")
    (r / "big.bin").write_bytes(BIG)
    (r / ".hidden").write_bytes(b"secret\n")
    return r


class ServerProcess:
    """One running server: ``binary 0 *args``; ``port`` comes from its first line."""

    def __init__(self, binary: str | os.PathLike, *args: str, start_timeout: float = 10.0):
        self.binary = str(binary)
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([self.binary, "0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self.port = self._read_port(start_timeout)
        except Exception:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError(f"{self.binary}: no 'listening' line in {timeout}s")
            byte = os.read(self.proc.stdout.fileno(), 1)
            if not byte:
                raise RuntimeError(f"{self.binary} exited early: {self.stderr_text()}")
            line += byte
        m = re.fullmatch(rb"listening (\d+)\n", line)
        if not m:
            raise RuntimeError(f"{self.binary}: unexpected first line {line!r}")
        return int(m.group(1))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_text(self) -> str:
        """What the server wrote to stderr, and how it ended if it did (a
        signal says more about a crash than an empty stderr)."""
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        rc = self.proc.poll()
        if rc is not None:
            how = f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exited with status {rc}"
            text = f"server {self.proc.pid} {how}; stderr: {text!r}"
        return text

    def stop(self) -> None:
        """Kills the server's process group (its forked sessions too) and reaps it."""
        try:   # the group outlives its leader while a session process is left
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
