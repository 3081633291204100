"""`polusgen rollback PID [--to V]`: take back the newest patch (or every
patch above version V, newest first).  For each: polus_rt_rollback, one
call inside the target and the commit point of the rollback (sync new ->
old, protect, put back the bytes every jump of that patch overwrote, track
the new functions), then watch until no new function is active.

Kill points (POLUS_KILL_AT, see faults.py): "rollback" before that call,
"rolled-back" after it, "watch".  SIGTERM/SIGINT/SIGHUP before the call
roll nothing back; after it, the rollback is done and is said so."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from polusgen.errors import InjectError
from polusgen.inject import faults
from polusgen.inject.session import Session, active_line, check_process, watch


@dataclass
class RolledBack:
    name: str
    from_version: int
    to_version: int
    redirects: int
    state: str = "rolling-back"
    active: list[dict] = field(default_factory=list)
    stopped_ms: float = 0.0


@dataclass
class RollbackResult:
    pid: int
    patches: list[RolledBack] = field(default_factory=list)
    total_ms: float = 0.0
    stopped_ms: float = 0.0
    watched_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def terminated(self) -> bool:
        return all(p.state == "rolled-back" for p in self.patches)

    @property
    def version(self) -> int:
        return min((p.from_version for p in self.patches), default=0)

    def describe(self) -> str:
        lines = [f"rolled back process {self.pid} to version {self.version} in {self.total_ms:.1f} ms "
                 f"(threads stopped {self.stopped_ms:.1f} ms)"]
        for p in self.patches:
            lines.append(f"  {p.name}: v{p.to_version} -> v{p.from_version}, {p.redirects} jump(s) taken back, {p.state}")
            for a in p.active:
                lines.append(active_line(a, "new"))
        if not self.terminated:
            lines.append(f"  rollback still in progress after {self.watched_s:.2f} s")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def rollback_patch(pid: int, to: Optional[int] = None, wait: float = 1.0) -> RollbackResult:
    t0 = time.perf_counter()
    check_process(pid)
    res = RollbackResult(pid)
    try:
        with faults.interruptible():
            return _rollback(pid, to, wait, t0, res)
    except faults.Interrupted as e:
        done = ", ".join(p.name for p in res.patches)
        raise InjectError(f"interrupted by {e}: " + (f"{done} rolled back (the rest was not)" if done else
                                                      f"nothing was rolled back in process {pid}")) from e


def _rollback(pid: int, to: Optional[int], wait: float, t0: float, res: RollbackResult) -> RollbackResult:
    t_watch = 0.0
    while True:
        with Session.brief(pid) as s:      # read the status with one thread stopped; stop all to change code
            if s.runtime() is None:
                raise InjectError(f"no update was applied to process {pid} (the polusgen runtime is not loaded)")
            res.warnings += s.recover()
            st = s.status_json()
            if any(p.get("state") == "rolling-back" for p in st.get("patches", [])):
                # an earlier rollback may have finished since anyone looked:
                # sample the stacks so the runtime knows before we choose
                s.tracer.stop_all()
                s.progress()
                st = s.status_json()
            live = [p for p in st.get("patches", []) if p.get("state") in ("active", "terminated")]
            pending = [p for p in st.get("patches", []) if p.get("state") == "rolling-back"]
            if to is None:
                todo = live[-1:] if not res.patches else []
            else:
                todo = [p for p in live if p.get("to_version", 0) > to][-1:]
            if not todo:
                if not res.patches:
                    if pending:
                        raise InjectError(f"{pending[-1]['name']} is still rolling back (its new code is still "
                                          "running in some thread); try again later")
                    raise InjectError(f"nothing to roll back in process {pid}"
                                      + (f" above version {to}" if to is not None else ""))
                break
            p = todo[0]
            s.tracer.stop_all()
            faults.kill_point("rollback")
            with faults.critical():     # once called, the rollback is done: a signal waits to say so
                if s.rt_call32("polus_rt_rollback", p["id"], let_others_run=False) != 0:
                    later = [q["name"] for q in pending]
                    raise InjectError(f"the runtime refused to roll back {p['name']}: "
                                      + (f"{', '.join(later)} is still rolling back on top of it; try again later"
                                         if later else "a later patch is still applied on top of it"))
                rb = RolledBack(p["name"], p.get("from_version", 0), p.get("to_version", 0),
                                len(p.get("redirects", [])))
                res.patches.append(rb)
            faults.kill_point("rolled-back")
        rb.stopped_ms = s.tracer.stop_time * 1000
        res.stopped_ms += rb.stopped_ms
        t1 = time.monotonic()
        try:
            faults.kill_point("watch")
            pst, _, _ = watch(pid, max(wait, 0.0), p["name"], rolling_back=True)
        except InjectError as e:     # the jumps are back; only watching failed
            res.warnings.append(f"{p['name']} was rolled back, but watching it failed: {e}")
            break
        finally:
            t_watch += time.monotonic() - t1
        if pst:
            rb.state = pst.get("state", rb.state)
            rb.active = pst.get("active_functions", [])
        if rb.state != "rolled-back" or to is None:
            break
    res.watched_s = t_watch
    res.total_ms = (time.perf_counter() - t0) * 1000 - t_watch * 1000
    return res
