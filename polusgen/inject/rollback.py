"""`polusgen rollback PID [--to V]`: take back the newest patch (or every
patch above version V, newest first).  For each: polus_rt_rollback, one
call inside the target and the commit point of the rollback (sync new ->
old, protect, put back the bytes every jump of that patch overwrote, track
the new functions), then watch until no new function is active.

Kill points (POLUS_KILL_AT, see faults.py): "rollback" before that call,
"in-rollback" during it, "rolled-back" after it, "watch".  SIGTERM/SIGINT/SIGHUP before the call
roll nothing back; after it, the rollback is done and is said so."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from polusgen.errors import AlreadyDone, InjectError
from polusgen.inject import faults, transfer
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
    armed: list[str] = field(default_factory=list)       # activations that move back when their call returns
    not_armed: list[str] = field(default_factory=list)   # and those in the new code still, with the reason


@dataclass
class PendingRollback:
    """A patch still rolling back: which new functions still run, in which
    threads, and which of them are never left (then it cannot finish while
    they run: their activation lives as long as the thread)."""
    name: str
    from_version: int
    to_version: int
    active: list[dict] = field(default_factory=list)
    never_left: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.never_left)

    def describe(self) -> str:
        where = "; ".join(f"{a['name']} in thread(s) {', '.join(map(str, a.get('threads', [])))}"
                          for a in self.active) or "no new function was active at the last sample"
        head = f"{self.name} (v{self.to_version} -> v{self.from_version})"
        if self.blocked:
            return (f"{head} is still rolling back and cannot finish while {', '.join(self.never_left)} runs its new code "
                    f"({where}): it is never left, so that activation lives as long as its thread; the rollback "
                    "finishes only if the program leaves it (its quit flag, or the process ends)")
        return f"{head} is still rolling back: its new code still runs ({where}); it finishes when those threads leave it"


def pending_of(p: dict) -> PendingRollback:
    """The PendingRollback of a patch in the runtime's status JSON."""
    news = p.get("new_functions", [])
    never_left = {news[o["redirected_to"]]["name"] for o in p.get("old_functions", [])
                  if o.get("never_left") and 0 <= o.get("redirected_to", -1) < len(news)}
    active = p.get("active_functions", [])
    return PendingRollback(p.get("name", "?"), p.get("from_version", 0), p.get("to_version", 0), active,
                           [a["name"] for a in active if a["name"] in never_left])


def pending_rollback(status: dict) -> Optional[PendingRollback]:
    """The newest patch still rolling back in a process, or None."""
    rolling = [p for p in status.get("patches", []) if p.get("state") == "rolling-back"]
    return pending_of(rolling[-1]) if rolling else None


@dataclass
class RollbackResult:
    pid: int
    target: Optional[int] = None       # --to (None: the newest patch only)
    patches: list[RolledBack] = field(default_factory=list)
    total_ms: float = 0.0
    stopped_ms: float = 0.0
    watched_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    pending: Optional[PendingRollback] = None

    @property
    def terminated(self) -> bool:
        return all(p.state == "rolled-back" for p in self.patches)

    @property
    def version(self) -> int:
        """The version new calls run now (old activations may still run newer code: see pending)."""
        return min((p.from_version for p in self.patches), default=0)

    @property
    def reached(self) -> bool:
        """The requested version was reached and nothing newer runs any more."""
        return self.terminated and (self.target is None or self.version <= self.target)

    def describe(self) -> str:
        timing = f"in {self.total_ms:.1f} ms (threads stopped {self.stopped_ms:.1f} ms)"
        if self.reached:
            lines = [f"rolled back process {self.pid} to version {self.version} {timing}"]
        else:
            want = self.target if self.target is not None else self.version
            lines = [f"rollback of process {self.pid} to version {want} not finished after {self.watched_s:.2f} s: "
                     f"new calls run version {self.version}, but newer code still runs {timing}"]
        for p in self.patches:
            lines.append(f"  {p.name}: v{p.to_version} -> v{p.from_version}, {p.redirects} jump(s) taken back, {p.state}")
            lines += [f"    armed to move back to the old code when its call returns: {m}" for m in p.armed]
            lines += [f"    not armed, runs the new code for now: {m}" for m in p.not_armed]
            for a in p.active:
                lines.append(active_line(a, "new"))
        if self.pending:
            lines.append(f"  {self.pending.describe()}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def rollback_patch(pid: int, to: Optional[int] = None, wait: float = 1.0) -> RollbackResult:
    t0 = time.perf_counter()
    check_process(pid)
    res = RollbackResult(pid, to)
    try:
        with faults.interruptible():
            return _rollback(pid, to, wait, t0, res)
    except faults.Interrupted as e:
        done = ", ".join(p.name for p in res.patches)
        raise InjectError(f"interrupted by {e}: " + (f"{done} rolled back (the rest was not)" if done else
                                                      f"nothing was rolled back in process {pid}")) from e


def _rollback(pid: int, to: Optional[int], wait: float, t0: float, res: RollbackResult) -> RollbackResult:
    t_watch = 0.0
    backs: dict[str, tuple[transfer.Loaded, transfer.Points, list[str]]] = {}   # patch -> where its loops move back
    need: Optional[transfer.Loaded] = None
    while True:
        if need is not None:     # its debug information is read with no thread stopped
            backs[need.manifest.name] = (need, *transfer.back_points(need))
            need = None
        back = None
        with Session.brief(pid) as s:      # read the status with one thread stopped; stop all to change code
            if s.runtime() is None:
                raise AlreadyDone(f"no update was applied to process {pid} (the polusgen runtime is not loaded)")
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
            if pending and not res.patches:
                # nothing below it can be rolled back before it has finished
                why = pending_of(pending[-1])
                raise InjectError(why.describe() + ("" if why.blocked else "; try again later"))
            if to is None:
                todo = live[-1:] if not res.patches else []
            else:
                todo = [p for p in live if p.get("to_version", 0) > to][-1:]
            if not todo:
                if not res.patches:
                    raise AlreadyDone(f"nothing to roll back in process {pid}"
                                      + (f" above version {to}" if to is not None else ""))
                break
            p = todo[0]
            if p["name"] not in backs:
                need = transfer.loaded(pid, p["name"])
                if need is not None:
                    continue
            s.tracer.stop_all()
            if p["name"] in backs:
                lib, back, why = backs[p["name"]]
                transfer.disarm(s, lib, p)
                transfer.refuse_rollback_of_moved(s, lib, back, why)
            transfer.refuse_if_moved_back(s, p.get("to_version", 0), f"{p['name']} cannot be rolled back")
            faults.kill_point("rollback")
            with faults.critical():     # once called, the rollback is done: a signal waits to say so
                if s.rt_switch("polus_rt_rollback", p["id"], kill="in-rollback") != 0:
                    later = [q["name"] for q in pending]
                    raise InjectError(f"the runtime refused to roll back {p['name']}: "
                                      + (f"{', '.join(later)} is still rolling back on top of it; try again later"
                                         if later else "a later patch is still applied on top of it"))
                rb = RolledBack(p["name"], p.get("from_version", 0), p.get("to_version", 0),
                                len(p.get("redirects", [])))
                res.patches.append(rb)
                if back is not None and back.at:
                    moves = transfer.Progress(t0)
                    transfer.move_stopped(s, back, moves)
            faults.kill_point("rolled-back")
        rb.stopped_ms = s.tracer.stop_time * 1000
        res.stopped_ms += rb.stopped_ms
        t1 = time.monotonic()
        try:
            faults.kill_point("watch")
            if back is not None and back.at:
                transfer.move_until(pid, back, moves, max(wait, 0.0))
                rb.armed, rb.not_armed = moves.armed, [f"thread {t}: {w}" for t, w in sorted(moves.waiting.items())]
            pst, _, _ = watch(pid, max(wait, 0.0), p["name"], rolling_back=True)
        except InjectError as e:     # the jumps are back; only watching failed
            res.warnings.append(f"{p['name']} was rolled back, but watching it failed: {e}")
            break
        finally:
            t_watch += time.monotonic() - t1
        if pst:
            rb.state = pst.get("state", rb.state)
            rb.active = pst.get("active_functions", [])
            if rb.state == "rolling-back":
                res.pending = pending_of(pst)
        if rb.state != "rolled-back" or to is None:
            break
    res.watched_s = t_watch
    res.total_ms = (time.perf_counter() - t0) * 1000 - t_watch * 1000
    return res
