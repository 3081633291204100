"""A server under study: started from the user's command template, in a
session of its own, and ended with every process it forked.

Forking servers' children often call setsid() (vsftpd, dropbear): they leave
the process group, so stop() kills the group and then every descendant by pid.
"""
from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional

HOST = "127.0.0.1"


def free_port() -> int:
    """A port free for TCP and UDP alike on 127.0.0.1 (DNS servers take both)."""
    for _ in range(50):
        with socket.socket() as t:
            t.bind((HOST, 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind((HOST, port))
            except OSError:
                continue
            return port
    raise OSError("no free port")


def descendants(pid: int) -> list[int]:
    parent: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            parent[int(d)] = int(stat[stat.rindex(")") + 2:].split()[1])
    out, todo = [], [pid]
    while todo:
        pid = todo.pop()
        kids = [c for c, p in parent.items() if p == pid]
        out += kids
        todo += kids
    return out


def kill_tree(proc: subprocess.Popen) -> list[int]:
    """Kills proc's process group and every process it forked (a child that
    called setsid() is in neither its group nor its session), then reaps
    proc.  Returns the pids killed besides proc's."""
    kids = descendants(proc.pid) if proc.poll() is None else []
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    return kids


class Server:
    """``command`` (already formatted) run in `cwd`; ready when `ready(port)`."""

    def __init__(self, command: str, port: int, cwd: Path, ready: Callable[[int], bool], timeout: float = 20.0):
        self.command, self.port, self.cwd = command, port, Path(cwd)
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.log_path = self.cwd / f"server-{port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(shlex.split(command), cwd=self.cwd, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._stopped = False
        self.exit_status: Optional[int] = None   # set when it exited before stop()
        deadline = time.monotonic() + timeout
        while not ready(port):
            if not self.alive() or time.monotonic() > deadline:
                why = f"exited with status {self.proc.returncode}" if not self.alive() else f"not ready in {timeout:g} s"
                self.stop()
                raise RuntimeError(f"`{command}` {why}; its output: {self.output()[-500:]!r}")
            time.sleep(0.05)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if not self.alive():
            self.exit_status = self.proc.returncode
        kill_tree(self.proc)
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
