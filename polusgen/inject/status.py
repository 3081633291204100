"""`polusgen status PID`: applied versions, updates in progress or terminated,
which threads are still in which old functions, which data is still
synchronized, never-left functions.  Attaches briefly: sample, progress,
status JSON, detach."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from polusgen.inject.session import Session, active_line, check_process


@dataclass
class StatusResult:
    pid: int
    exe: str
    status: dict = field(default_factory=dict)
    runtime_loaded: bool = False
    recovered: list[str] = field(default_factory=list)     # what an injector that died left, and was done

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
                lines.append(f"    never-left functions: {', '.join(p['never_left'])}")
            if p.get("redirects") and st in ("active", "terminated", "rolling-back"):
                lines.append(f"    {len(p['redirects'])} redirect(s)")
        c = self.status.get("counters")
        if c:
            lines.append(f"  write-through: {c.get('trapped_writes', 0)} trapped writes, {c.get('syncs', 0)} syncs, "
                         f"{self.status.get('protected_pages', 0)} protected page(s)")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "exe": self.exe, "runtime_loaded": self.runtime_loaded,
                           "version": self.version, "recovered": self.recovered, **self.status}, indent=2)


def process_status(pid: int) -> StatusResult:
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
    return res
