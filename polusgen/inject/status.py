"""`polusgen status PID`: applied versions, updates in progress or terminated,
which threads are still in which old functions, which data is still
synchronized, never-left functions.  Attaches briefly: sample, progress,
status JSON, detach."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Optional

from polusgen.inject import transfer
from polusgen.inject.session import Session, active_line, check_process

# what counts as a write-through fault: a write into a tracked copy, or
# beside one on its page
FAULT_COUNTERS = ("trapped_writes", "false_sharing_faults")


@dataclass
class StatusResult:
    pid: int
    exe: str
    status: dict = field(default_factory=dict)
    runtime_loaded: bool = False
    recovered: list[str] = field(default_factory=list)     # what an injector that died left, and was done
    faults_per_s: Optional[float] = None     # measured over rate_interval while data is synchronized
    rate_interval: float = 0.0

    @property
    def patches(self) -> list[dict]:
        return self.status.get("patches", [])

    def applied(self) -> list[dict]:
        return [p for p in self.patches if p.get("state") in ("active", "terminated", "rolling-back")]

    @property
    def version(self) -> int:
        """The program version the process runs now (0 if nothing is applied)."""
        ap = [p for p in self.patches if p.get("state") in ("active", "terminated")]
        return max((p["to_version"] for p in ap), default=0)

    def describe(self) -> str:
        if not self.runtime_loaded:
            return f"process {self.pid} ({self.exe}): no update applied (the polusgen runtime is not loaded)"
        lines = [f"process {self.pid} ({self.exe}): runs version {self.version}"]
        lines += [f"  first: {r}" for r in self.recovered]
        if not self.patches:
            lines.append("  no patch registered")
        for p in self.patches:
            st = p.get("state", "?")
            lines.append(f"  {p.get('name')}: v{p.get('from_version')} -> v{p.get('to_version')}, {st}"
                         + (f", rolled back {p['rollbacks']} time(s)" if p.get("rollbacks") else ""))
            if st in ("active", "rolling-back"):
                which = "new" if st == "rolling-back" else "old"
                for a in p.get("active_functions", []):
                    lines.append(active_line(a, which))
            if p.get("synchronized_data"):
                lines.append(f"    data still synchronized (write-through): {', '.join(p['synchronized_data'])}")
            if p.get("never_left") and st in ("active", "terminated"):
                running = {f["name"]: f.get("threads", []) for f in p.get("old_functions", []) if f.get("active")}
                lines.append("    never-left functions: " + ", ".join(
                    n + (f" (old activation in thread(s) {', '.join(map(str, running[n]))})" if running.get(n) else "")
                    for n in p["never_left"]))
            if p.get("moved_threads"):
                lines.append("    never-left activations moved to its new code: thread(s) "
                             + ", ".join(map(str, p["moved_threads"])))
            if st == "rolling-back":
                from polusgen.inject.rollback import pending_of
                lines.append(f"    {pending_of(p).describe()}")
            if p.get("redirects") and st in ("active", "terminated", "rolling-back"):
                lines.append(f"    {len(p['redirects'])} redirect(s)")
        c = self.status.get("counters")
        if c:
            lines.append(f"  write-through: {c.get('trapped_writes', 0)} trapped writes, {c.get('syncs', 0)} syncs, "
                         f"{self.status.get('protected_pages', 0)} protected page(s)")
        if self.faults_per_s is not None:
            lines.append(f"  write-through faults now: {self.faults_per_s:,.0f} per second (over {self.rate_interval:.2f} s):"
                         " every write to a page of data still synchronized costs one")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "exe": self.exe, "runtime_loaded": self.runtime_loaded,
                           "version": self.version, "recovered": self.recovered, "faults_per_s": self.faults_per_s,
                           **self.status}, indent=2)


def _faults(status: dict) -> int:
    c = status.get("counters", {})
    return sum(c.get(k, 0) for k in FAULT_COUNTERS)


def process_status(pid: int, rate_interval: float = 0.0) -> StatusResult:
    """With rate_interval > 0 and data still synchronized, the write-through
    faults per second are measured over that long (the counters are read
    again without stopping the threads)."""
    exe = check_process(pid)
    res = StatusResult(pid, exe)
    with Session.brief(pid) as s:
        if s.runtime() is None:
            return res
        res.runtime_loaded = True
        s.tracer.stop_all()
        res.recovered = s.recover()
        s.progress()
        res.status = s.status_json()
        for p in res.patches:
            if p.get("state") in ("active", "terminated"):
                p["moved_threads"] = transfer.moved_activations(s, p.get("name", ""))
    t0 = time.monotonic()
    if rate_interval > 0 and any(p.get("synchronized_data") or p.get("heap_pairs_synchronized")
                                 for p in res.patches if p.get("state") in ("active", "terminated", "rolling-back")):
        time.sleep(rate_interval)
        with Session.brief(pid) as s:
            later = s.status_json()
        res.rate_interval = time.monotonic() - t0
        res.faults_per_s = (_faults(later) - _faults(res.status)) / res.rate_interval
    return res
