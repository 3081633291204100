"""Many processes at once: a whole pre-forked server (`--tree PID`: the
process and every descendant running the same binary) or every process of
one executable (its path, checked by build-id).

A layer above the per-process apply / status / rollback, which stay what they
are (each process is updated atomically): this loops over the processes,
parents first, and rescans until no process is left that still needs the
operation -- a child forked mid-way by a process not yet done is found by
the next scan, one forked by a process already done inherits its state and
is skipped.  Standard library only."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from polusgen import elf as elfmod
from polusgen.errors import AlreadyDone, InjectError
from polusgen.inject import procmem
from polusgen.inject import ptrace as pt

MAX_ROUNDS = 50


# ------------------------------------------------------------------ selection

@dataclass
class Selection:
    what: str                                          # "the process tree of 12 (/usr/sbin/x)"
    pids: list[int] = field(default_factory=list)      # parents before children
    others: dict[int, str] = field(default_factory=dict)   # named but left out, and why


def _identity(pid: int) -> Optional[tuple[int, int]]:
    """(device, inode) of the executable a process runs, or None (gone, zombie, not ours)."""
    try:
        st = os.stat(f"{procmem.proc_dir(pid)}/exe")
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _parents() -> dict[int, int]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                out[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return out


def _depth(pid: int, parents: dict[int, int]) -> int:
    d = 0
    while pid in parents and d < 1000:
        pid, d = parents[pid], d + 1
    return d


def process_tree(root: int) -> Selection:
    """`root` and every descendant of it that runs the same binary."""
    ident = _identity(root)
    if ident is None:
        raise InjectError(f"no process {root} (or its executable cannot be read)")
    sel = Selection(f"the process tree of {root} ({procmem.exe_path(root)})", [root])
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        if _identity(pid) == ident:
            sel.pids.append(pid)
    sel.pids.sort(key=lambda p: (_depth(p, parents), p))
    return sel


def processes_of(path: str) -> Selection:
    """Every process running the executable `path`: the same file, or a file
    replaced since at that path whose build-id is the same (a process
    running another build is named in `others`)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        want = elfmod.build_id(real)
    except (OSError, elfmod.ElfError) as e:
        raise InjectError(f"{path}: not an executable that can be read ({e})")
    sel = Selection(f"the processes of {real}")
    parents = _parents()
    for pid in parents:
        ident = _identity(pid)
        if ident is None:
            continue
        if ident == (st.st_dev, st.st_ino):
            sel.pids.append(pid)
            continue
        try:
            if procmem.exe_path(pid) != real:
                continue
            have = elfmod.build_id(f"{procmem.proc_dir(pid)}/exe")
        except (OSError, elfmod.ElfError):
            continue
        if want and have == want:
            sel.pids.append(pid)
        else:
            sel.others[pid] = f"runs another build of {real} (build-id {have or 'none'}; the file has {want or 'none'})"
    if not sel.pids:
        raise InjectError(f"no process runs {real}"
                          + (f" ({len(sel.others)} run(s) another build of it)" if sel.others else ""))
    sel.pids.sort(key=lambda p: (_depth(p, parents), p))
    return sel


def selector(target: str, tree: bool) -> Optional[Callable[[], Selection]]:
    """How to (re)select the processes a command names: a PID with --tree,
    or the path of an executable; None for a single PID (the per-process
    command as before)."""
    if target.isdigit():
        if not tree:
            return None
        root = int(target)
        return lambda: process_tree(root)
    if not Path(target).is_file():
        raise InjectError(f"{target}: neither a process id nor an executable file")
    return lambda: processes_of(target)


# ------------------------------------------------------------------ results

# outcome states: the process reached the version (updated, rolled-back,
# skipped: it was there already) or needs nothing more (exited), or it did
# not (pending, blocked, failed)
REACHED = ("updated", "rolled-back", "skipped", "exited")


@dataclass
class Outcome:
    pid: int
    state: str      # one of REACHED, or pending | blocked | failed
    detail: str = ""


@dataclass
class PoolResult:
    action: str                 # "apply PATCH" / "rollback"
    what: str
    version: int                # the version every process is to run
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    others: dict[int, str] = field(default_factory=dict)
    rounds: int = 0
    seconds: float = 0.0

    @property
    def missed(self) -> list[Outcome]:
        """The processes not brought to the version."""
        return [o for o in self.outcomes.values() if o.state not in REACHED]

    def describe(self) -> str:
        lines = [f"{self.action} on {self.what}: {len(self.outcomes)} process(es), to version {self.version}"]
        for o in self.outcomes.values():
            lines.append(f"  {o.pid}: {o.state}" + (f": {o.detail}" if o.detail else ""))
        for pid, why in self.others.items():
            lines.append(f"  {pid}: left out: {why}")
        counts: dict[str, int] = {}
        for o in self.outcomes.values():
            counts[o.state] = counts.get(o.state, 0) + 1
        lines.append("total: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                     + f" ({self.rounds} scan(s), {self.seconds:.2f} s)")
        if self.missed:
            lines.append(f"not on version {self.version}: "
                         + "; ".join(f"process {o.pid} ({o.state}: {o.detail})" for o in self.missed))
        return "\n".join(lines)


def _gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}") or pt.process_dying(pid)


def _settle_exits(res: "PoolResult", grace: float = 0.5) -> None:
    """A process that did not reach the version but has exited since needs
    nothing more.  A failure may be a pool child caught in the middle of its
    exit (ptrace already says "no process", /proc not yet): those get `grace`
    seconds to be gone."""
    deadline = time.monotonic() + grace
    while True:
        for o in res.outcomes.values():
            if o.state in ("pending", "failed") and _gone(o.pid):
                o.state, o.detail = "exited", "during the operation"
        if time.monotonic() >= deadline or not any(o.state == "failed" for o in res.outcomes.values()):
            return
        time.sleep(0.02)


# ------------------------------------------------------------------ apply

def apply_pool(select: Callable[[], Selection], so_path, wait: float = 1.0, force: bool = False) -> PoolResult:
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.session import loaded_patches, watch
    from polusgen.inject.status import process_status

    t0 = time.monotonic()
    so = Path(so_path)
    try:
        manifest = elfmod.read_manifest(so)
    except (OSError, ValueError, elfmod.ElfError) as e:
        raise InjectError(f"{so}: {e}")
    sel = select()
    res = PoolResult(f"apply {manifest.name}", sel.what, manifest.to_version)
    pending: list[int] = []
    for res.rounds in range(1, MAX_ROUNDS + 1):
        new = [p for p in sel.pids if p not in res.outcomes]
        res.others.update(sel.others)
        acted = False
        for pid in new:
            try:
                if manifest.name in loaded_patches(pid):
                    st = process_status(pid)
                    if any(p.get("name") == manifest.name and p.get("state") in ("active", "terminated")
                           for p in st.patches):
                        res.outcomes[pid] = Outcome(pid, "skipped", f"already runs v{manifest.to_version} "
                                                                    "(inherited through fork)")
                        continue
                acted = True
                r = apply_patch(pid, so, wait=0.0, force=force)
                res.outcomes[pid] = Outcome(pid, "updated", f"in {r.total_ms:.1f} ms")
                if not r.terminated:
                    pending.append(pid)
            except (InjectError, pt.ProcessGone, OSError) as e:
                res.outcomes[pid] = Outcome(pid, "exited", "during the operation") if _gone(pid) \
                    else Outcome(pid, "failed", str(e))
        if not acted:
            break       # every process runs the version: what forks from here inherits it
        try:
            sel = select()
        except InjectError:
            break       # the tree's root is gone
    # watch the updates still in progress, all within `wait`
    deadline = time.monotonic() + max(wait, 0.0)
    last: dict[int, Optional[dict]] = {}
    while pending:
        pid = pending.pop(0)
        try:
            last[pid], _, _ = watch(pid, 0.0, manifest.name)
        except InjectError:
            continue
        if last[pid] and last[pid].get("state") != "terminated" and time.monotonic() < deadline:
            pending.append(pid)
        if pending and pending[0] == pid:
            time.sleep(0.02)
    for pid, pst in last.items():
        res.outcomes[pid].detail += _progress_words(pst)
    _settle_exits(res)
    res.seconds = time.monotonic() - t0
    return res


def _progress_words(pst: Optional[dict]) -> str:
    if not pst:
        return ""
    if pst.get("state") == "terminated":
        return ", update terminated" + (f" (never-left old code still runs: {', '.join(pst['never_left'])})"
                                        if pst.get("synchronized_data") and pst.get("never_left") else "")
    active = [f"{a['name']} (thread {', '.join(map(str, a.get('threads', [])))})"
              for a in pst.get("active_functions", [])]
    return ", update in progress: old " + ", ".join(active) if active else ", update in progress"


# ------------------------------------------------------------------ status

def status_pool(select: Callable[[], Selection], rate_interval: float = 0.0) -> list:
    """The StatusResult of every selected process (those that exit meanwhile left out)."""
    from polusgen.inject.status import process_status

    out = []
    for pid in select().pids:
        try:
            out.append(process_status(pid, rate_interval=rate_interval))
        except InjectError:
            if not _gone(pid):
                raise
    return out


# ------------------------------------------------------------------ rollback

def rollback_pool(select: Callable[[], Selection], to: Optional[int] = None, wait: float = 1.0) -> PoolResult:
    """Every process down to version `to` (default: one below the highest
    version any of them runs), rescanning and retrying until each is there,
    has exited, or cannot get there (a never-left activation in new code),
    or `wait` seconds have passed."""
    from polusgen.inject.rollback import pending_rollback, rollback_patch
    from polusgen.inject.status import process_status

    t0 = time.monotonic()
    sel = select()
    if to is None:
        versions = []
        for pid in sel.pids:
            try:
                versions.append(process_status(pid).version)
            except InjectError:
                pass
        if not any(versions):
            raise AlreadyDone(f"nothing to roll back in {sel.what}")
        to = max(versions) - 1
    res = PoolResult("rollback", sel.what, to)
    deadline = t0 + max(wait, 0.0)
    final = REACHED + ("blocked", "failed")
    while True:
        res.rounds += 1
        res.others.update(sel.others)
        for pid in sel.pids:
            o = res.outcomes.get(pid)
            if o is not None and o.state in final:
                continue
            try:
                st = process_status(pid)
                if st.version <= to and not pending_rollback(st.status):
                    res.outcomes[pid] = Outcome(pid, "rolled-back" if o else "skipped",
                                                f"runs v{st.version}" + ("" if o else " already"))
                    continue
                why = pending_rollback(st.status)
                if why:
                    res.outcomes[pid] = Outcome(pid, "blocked" if why.blocked else "pending", why.describe())
                    continue
                rollback_patch(pid, to=to, wait=0.0)
                res.outcomes[pid] = Outcome(pid, "pending", "rolling back")
            except (InjectError, pt.ProcessGone, OSError) as e:
                res.outcomes[pid] = Outcome(pid, "exited", "during the operation") if _gone(pid) \
                    else Outcome(pid, "failed", str(e))
        try:
            nsel = select()
        except InjectError:
            break       # the tree's root is gone
        if _settled(res, final) and not [p for p in nsel.pids if p not in res.outcomes] \
                or time.monotonic() >= deadline:
            break
        sel = nsel
        time.sleep(0.02)
    _settle_exits(res)
    res.seconds = time.monotonic() - t0
    return res


def _settled(res: PoolResult, final) -> bool:
    return all(o.state in final for o in res.outcomes.values())
