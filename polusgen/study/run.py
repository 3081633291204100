"""The study: every consecutive pair of a program's releases, updated live.

For each pair OLD -> NEW, with nothing written by hand but the user code the
user points at:
  1. the patch: `polusgen diff OLD NEW -o P --binary OLD-BINARY` and
     `polusgen build P` (built with no hand edits, or the tool's message);
  2. OLD's binary is started (the user's command template), a probe session
     taken as OLD's reference answers, and a client load started: threads
     looping over probe sessions, each reply of which must be what OLD or
     NEW answers (anything else, or a lost session, is a failed request);
  3. `polusgen apply PID P` under that load; then a probe session must answer
     exactly as NEW's binary started natively;
  4. `polusgen rollback PID --to 0` (asked again while it is in progress);
     then a probe session must answer as OLD again;
  5. the server must still run.
Every pair starts from a fresh OLD process and its own version file, so one
pair's failure does not hide the next pair's result; a pair whose patch does
not build starts no server.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from polusgen.study.probes import Probe, ProbeError, Session
from polusgen.study.server import Server, free_port

TAIL = 1500            # characters of a tool's message kept in the result
REFUSED_STATE = "cannot carry the running program's state"   # build's refusal (polusgen.manifest.refusal)


@dataclass
class Release:
    name: str
    tree: Path
    sources: Path
    binary: Path


@dataclass
class Study:
    releases: list[Release]
    start: str                         # command template: {binary} {port} {work} {tree} {name}
    probe: Probe
    work: Path
    program: str
    include: Sequence[str] = ()        # -I for diff (relative to each version's sources) and build
    define: Sequence[str] = ()
    user_code: Optional[str] = None    # template: {old} {new}; used where the file exists
    load_threads: int = 2
    wait: float = 1.0                  # `apply --wait`, `rollback --wait`
    tree: bool = False                 # a pre-forked pool: apply, roll back and ask every process of it


@dataclass
class PairResult:
    old: str
    new: str
    built: bool = False
    build_refused: bool = False        # the tool refused: state the patch cannot carry without user code
    build_message: str = ""
    counts: dict = field(default_factory=dict)
    user_code: Optional[str] = None
    user_code_lines: int = 0
    applied: str = "not tried"         # yes | refused | not tried
    apply_message: str = ""
    apply_ms: Optional[float] = None
    update_state: str = ""
    probe_equal_new: Optional[bool] = None
    probe_diff_new: dict = field(default_factory=dict)
    rolled_back: Optional[bool] = None
    probe_equal_old_after_rollback: Optional[bool] = None
    probe_diff_old: dict = field(default_factory=dict)
    requests_ok: int = 0
    requests_failed: int = 0
    failures: list[str] = field(default_factory=list)
    alive: Optional[bool] = None
    server_exit: Optional[int] = None
    error: str = ""                    # the harness could not run this pair (server did not start, ...)
    commands: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.applied == "yes"

    @property
    def passed(self) -> bool:
        return (self.built and self.accepted and self.requests_failed == 0 and bool(self.probe_equal_new)
                and bool(self.rolled_back) and bool(self.probe_equal_old_after_rollback) and bool(self.alive))

    @property
    def harmed(self) -> bool:
        """Crashed or corrupted after an apply the tool accepted, or a refusal
        that did not leave the server as it was.  (Before any apply, a failed
        request is the program's or the probe's doing, not the update's.)"""
        if self.applied == "yes":
            return self.alive is False or self.requests_failed > 0
        if self.applied == "refused":
            return self.alive is False or self.probe_equal_old_after_rollback is False
        return False

    def to_json(self) -> dict:
        return {**asdict(self), "passed": self.passed, "harmed": self.harmed}


# ---------------------------------------------------------------- tools

def polusgen(args: Sequence[str], log: list[str], timeout: float = 1800) -> subprocess.CompletedProcess:
    """`polusgen ARGS` as a user runs it; the command line is logged."""
    cmd = [sys.executable, "-m", "polusgen", *map(str, args)]
    log.append(shlex.join(["polusgen", *map(str, args)]))
    env = {**os.environ, "COLUMNS": "400"}      # the tool's messages unwrapped
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _message(r: subprocess.CompletedProcess) -> str:
    return (r.stderr.strip() or r.stdout.strip())[-TAIL:]


def reference(probe: Probe, port: int, tries: int = 4) -> Session:
    """What a server answers: two sessions in a row that agree (the first
    of a fresh server may differ from the rest, e.g. a counter's first value)."""
    last = probe.session(port)
    for _ in range(tries - 1):
        cur = probe.session(port)
        if cur == last:
            return cur
        last = cur
    raise ProbeError(f"the server does not answer alike twice in {tries} sessions; mask what varies: {last}")


def diff_sessions(got: Session, want: Session) -> dict:
    return {k: {"got": got.get(k), "want": want.get(k)} for k in want if got.get(k) != want.get(k)}


def compare(probe: Probe, port: int, want: Session, tries: int = 2) -> dict:
    """{} when a session answers exactly `want` (a second session is taken
    if the first does not, in case a reply came in pieces slower than the
    probe's quiet time); else what differed."""
    diff: dict = {}
    for _ in range(tries):
        try:
            got = probe.session(port, {k: [v] for k, v in want.items()})
        except ProbeError as e:
            diff = {"session": {"got": str(e), "want": "a session"}}
            continue
        diff = diff_sessions(got, want)
        if not diff:
            return {}
    return diff


class Load:
    """Threads looping over probe sessions until stop(); a request fails when
    its session is lost or its reply is none of the `allowed` ones."""

    def __init__(self, probe: Probe, port: int, allowed: dict[str, set[str]], threads: int = 2,
                 max_seconds: float = 600.0):
        self.probe, self.port, self.allowed = probe, port, allowed
        self.ok = self.failed = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + max_seconds
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> "Load":
        for t in self._threads:
            t.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                got = self.probe.session(self.port, self.allowed)
                bad = {k: v for k, v in got.items() if v not in self.allowed.get(k, ())}
                with self._lock:
                    self.ok += len(got) - len(bad)
                    self.failed += len(bad)
                    self.failures += [f"{k!r} -> {v!r}" for k, v in bad.items()][:5 - len(self.failures)]
            except ProbeError as e:
                with self._lock:
                    self.failed += 1
                    if len(self.failures) < 5:
                        self.failures.append(str(e))
            self._stop.wait(0.01)

    def progress(self, more: int, timeout: float = 60.0) -> None:
        """Waits (bounded) until `more` further requests have been answered."""
        goal, deadline = self.ok + self.failed + more, time.monotonic() + timeout
        while self.ok + self.failed < goal and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)


# ---------------------------------------------------------------- one pair

def _apply_ms(text: str) -> Optional[float]:
    m = re.search(r" in ([\d.]+) ms", text)
    return float(m.group(1)) if m else None


def _status(pid: int, tree: list[str], log: list[str]) -> list[dict]:
    """The status of the process (with `tree`: of every process of its pool)."""
    r = polusgen(["status", pid, *tree, "--json"], log)
    if r.returncode != 0:
        return []
    st = json.loads(r.stdout)
    return st if isinstance(st, list) else [st]


def _rolled_back(sts: list[dict]) -> bool:
    return bool(sts) and all(p.get("state") == "rolled-back" for st in sts for p in st.get("patches", []))


class StudyRun:
    def __init__(self, study: Study, log: Callable[[str], None] = print):
        self.s, self.log = study, log
        self._refs: dict[str, Session] = {}
        self._tree = ["--tree"] if study.tree else []

    def command(self, rel: Release, port: int, work: Path) -> str:
        return self.s.start.format(binary=rel.binary, port=port, work=work, tree=rel.tree, name=rel.name)

    def start(self, rel: Release, work: Path) -> Server:
        port = free_port()
        return Server(self.command(rel, port, work), port, work, self.s.probe.ready)

    def native(self, rel: Release) -> Session:
        """What `rel` answers when its binary is started natively (once per release)."""
        if rel.name not in self._refs:
            with self.start(rel, self.s.work / "native" / rel.name) as srv:
                self._refs[rel.name] = reference(self.s.probe, srv.port)
        return self._refs[rel.name]

    def user_code(self, old: Release, new: Release) -> Optional[Path]:
        if not self.s.user_code:
            return None
        p = Path(self.s.user_code.format(old=old.name, new=new.name))
        return p if p.is_file() else None

    def patch(self, old: Release, new: Release, res: PairResult, work: Path) -> Optional[Path]:
        """diff + build; the .so, or None with the tool's message in res."""
        c, so, vf, cs = work / "patch.polus.c", work / "patch.so", work / "version.json", work / "changes.json"
        vf.unlink(missing_ok=True)
        uc = self.user_code(old, new)
        if uc:
            res.user_code = str(uc)
            res.user_code_lines = len(uc.read_text().splitlines())
        flags = [x for i in self.s.include for x in ("-I", i)] + [x for d in self.s.define for x in ("-D", d)]
        ucf = ["--user-code", uc] if uc else []
        r = polusgen(["diff", old.sources, new.sources, "-o", c, "--json", cs, "--binary", old.binary,
                      "--version-file", vf, "--program", self.s.program, *flags, *ucf], res.commands)
        if cs.is_file():
            res.counts = json.loads(cs.read_text()).get("counts", {})
        if r.returncode != 0:
            res.build_message = "diff: " + _message(r)
            return None
        # the program's headers, for user code: the sources folder (or, given a
        # compile_commands.json or one .c file, the release tree or its folder)
        home = next(d for d in (new.sources, new.tree, new.tree.parent) if d.is_dir())
        includes = [x for i in self.s.include for x in ("-I", str(home / i))]
        r = polusgen(["build", c, "-o", so, "-I", home, *includes, *ucf], res.commands)
        if r.returncode != 0:
            res.build_message = "build: " + _message(r)
            res.build_refused = REFUSED_STATE in r.stderr + r.stdout
            return None
        res.built = True
        return so

    def pair(self, old: Release, new: Release) -> PairResult:
        t0 = time.monotonic()
        res = PairResult(old.name, new.name)
        work = self.s.work / f"{old.name}-{new.name}"
        work.mkdir(parents=True, exist_ok=True)
        try:
            so = self.patch(old, new, res, work)
            if so is not None:      # nothing of ours would touch a server: nothing to run
                self.live(old, so, self.native(new), res, work)
        except (ProbeError, RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            res.error = f"{type(e).__name__}: {e}"[-TAIL:]
        res.seconds = round(time.monotonic() - t0, 1)
        return res

    def live(self, old: Release, so: Path, want_new: Session, res: PairResult, work: Path) -> None:
        probe = self.s.probe
        with self.start(old, work / "run") as srv:
            want_old = reference(probe, srv.port)
            allowed = {k: {want_old.get(k), want_new.get(k)} - {None} for k in probe.labels()}
            load = Load(probe, srv.port, allowed, self.s.load_threads).start()
            try:
                load.progress(3 * len(allowed))
                r = polusgen(["apply", srv.pid, *self._tree, so, "--wait", self.s.wait], res.commands)
                res.apply_message = _message(r)
                res.applied = "yes" if r.returncode == 0 else "refused"
                if res.accepted:
                    res.apply_ms = _apply_ms(r.stdout)
                    res.update_state = "terminated" if "update terminated" in r.stdout else "in progress"
                    load.progress(3 * len(allowed))
                    res.probe_diff_new = compare(probe, srv.port, want_new)
                    res.probe_equal_new = not res.probe_diff_new
                    res.rolled_back = self.rollback(srv, res, load)
                load.progress(3 * len(allowed))
                res.probe_diff_old = compare(probe, srv.port, want_old)
                res.probe_equal_old_after_rollback = not res.probe_diff_old
            finally:
                load.stop()
                res.requests_ok, res.requests_failed, res.failures = load.ok, load.failed, load.failures
                res.alive = srv.alive()
                srv.stop()
                res.server_exit = srv.exit_status

    def rollback(self, srv: Server, res: PairResult, load: Load, tries: int = 8) -> bool:
        """`rollback --to 0`, asked again while it is in progress (an idle
        thread inside a new function leaves it only on its next request)."""
        for _ in range(tries):
            r = polusgen(["rollback", srv.pid, *self._tree, "--to", "0", "--wait", self.s.wait], res.commands)
            if r.returncode != 0 and "no update" not in r.stderr + r.stdout:
                res.apply_message += "\nrollback: " + _message(r)
            if _rolled_back(_status(srv.pid, self._tree, res.commands)):
                return True
            load.progress(len(self.s.probe.labels()))
        return False

    def run(self, on_pair: Callable[[PairResult], None] = lambda r: None) -> list[PairResult]:
        out = []
        for old, new in zip(self.s.releases, self.s.releases[1:]):
            self.log(f"== {self.s.program} {old.name} -> {new.name}")
            res = self.pair(old, new)
            self.log(row_text(res))
            on_pair(res)
            out.append(res)
        return out


# ---------------------------------------------------------------- the table

def _yn(v: Optional[bool]) -> str:
    return "–" if v is None else ("yes" if v else "NO")


def row(r: PairResult) -> list[str]:
    applied = {"yes": f"yes, {r.requests_failed} failed of {r.requests_ok + r.requests_failed}",
               "refused": "refused", "not tried": "–"}[r.applied]
    if r.alive is False:
        applied += f"; server DIED ({r.server_exit})"
    uc = f"{Path(r.user_code).name} ({r.user_code_lines} lines)" if r.user_code else "none"
    note = r.error or (r.build_message if not r.built else "") or (r.apply_message if r.applied == "refused" else "")
    built = "refused: user code needed" if r.build_refused else _yn(r.built)
    if r.build_refused:       # the first uncovered finding: "  entity: reason"
        note = next((l for l in r.build_message.splitlines() if l.startswith("  ") and ": " in l), note)
    return [f"{r.old} → {r.new}", built, applied, _yn(r.probe_equal_new),
            _yn(r.rolled_back and r.probe_equal_old_after_rollback if r.rolled_back is not None else None),
            uc, first_line(note)]


def first_line(message: str, width: int = 140) -> str:
    """The line of a tool's message that says what went wrong."""
    lines = [l.strip() for l in message.splitlines() if l.strip()]
    hits = [l for l in lines if "error" in l.lower()]
    said = [l for l in hits if not l.endswith(":")]     # past "gcc failed:" to gcc's first error
    line = (said or hits or lines or [""])[0]
    return re.sub(r"(?:/[\w.+-]+)+/([\w.+-]+)", r"\1", line)[:width]   # paths as file names


HEADER = ["pair", "built, no hand edits", "applied under load (failed requests)", "probe = native new",
          "rolled back (probe = old)", "user code", "note"]


def row_text(r: PairResult) -> str:
    return "  " + " | ".join(row(r))


def totals(results: Sequence[PairResult]) -> dict:
    n = len(results)
    return {"pairs": n,
            "built": sum(r.built for r in results),
            "build_refused": sum(r.build_refused for r in results),
            "applied": sum(r.accepted for r in results),
            "refused": sum(r.applied == "refused" for r in results),
            "zero_failed_requests": sum(r.accepted and r.requests_failed == 0 for r in results),
            "probe_equal_new": sum(bool(r.probe_equal_new) for r in results),
            "rolled_back": sum(bool(r.rolled_back and r.probe_equal_old_after_rollback) for r in results),
            "passed": sum(r.passed for r in results),
            "harmed": sum(r.harmed for r in results),
            "user_code": sum(r.user_code is not None for r in results)}


def table(results: Sequence[PairResult], program: str = "") -> str:
    """A markdown table and a totals line."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in results:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row(r)) + " |")
    t = totals(results)
    pct = lambda k: f"{t[k]}/{t['pairs']}" + (f" ({100 * t[k] // t['pairs']} %)" if t["pairs"] else "")
    lines.append("")
    lines.append(f"{program + ': ' if program else ''}built {pct('built')} (refused for want of user code "
                 f"{t['build_refused']}), applied {pct('applied')} "
                 f"(refused {t['refused']}), zero failed requests {pct('zero_failed_requests')}, "
                 f"probe = native new {pct('probe_equal_new')}, rolled back {pct('rolled_back')}, "
                 f"crashed or corrupted {t['harmed']}, user code in {t['user_code']}")
    return "\n".join(lines)


def releases(trees: Sequence[Path], binary: str, sources: str) -> list[Release]:
    out = []
    for t in trees:
        t = Path(t).resolve()
        fmt = dict(tree=t, name=t.name)
        out.append(Release(t.name, t, Path(sources.format(**fmt)), Path(binary.format(**fmt))))
    names = [r.name for r in out]
    if len(set(names)) != len(names):
        raise ValueError(f"release trees need distinct folder names: {names}")
    return out


def build_trees(rels: Sequence[Release], command: str, log: Callable[[str], None] = print) -> None:
    """Runs the user's build command in each tree (a shell command line)."""
    for r in rels:
        cmd = command.format(tree=r.tree, name=r.name)
        log(f"building {r.name}: {cmd}")
        p = subprocess.run(cmd, shell=True, cwd=r.tree, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{r.tree}: `{cmd}` failed:\n{(p.stderr or p.stdout)[-TAIL:]}")
    for r in rels:
        if not os.access(r.binary, os.X_OK):
            raise RuntimeError(f"{r.binary}: no such executable (release {r.name})")
