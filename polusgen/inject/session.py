"""One stop of a live process: every thread seized and stopped, its memory
open, remote calls ready, the runtime (if loaded) at hand.  Shared by apply,
status and rollback; standard library only."""
from __future__ import annotations

import errno
import json
import os
import time
from typing import Optional

from polusgen import elf as elfmod
from polusgen.errors import InjectError
from polusgen.inject import abi, faults, procmem, remote, stacks
from polusgen.inject import ptrace as pt

RUNTIME_NAME = "libpolus_rt.so"
LIVE_STATES = ("pre-updated", "active", "terminated", "rolling-back")
# polus_rt_abort's answer for a patch whose commit is journalled (runtime/polus_rt.c)
ABORT_COMMIT_RUNNING = -2
SWITCH_HOLD_MS = 30     # the runtime's pause at each step of a switch killed on purpose (faults.armed)


def _int32(rax: int) -> int:
    """An int a runtime function returned: the low 32 bits of rax, signed."""
    r = rax & 0xFFFFFFFF
    return r - (1 << 32) if r >= (1 << 31) else r


def check_process(pid: int) -> str:
    """The target's executable path, or InjectError if it is not there or not ours to trace."""
    if not os.path.exists(f"/proc/{pid}"):
        raise InjectError(f"no process {pid}")
    try:
        return procmem.exe_path(pid)
    except PermissionError:
        raise InjectError(f"no permission to inspect process {pid}: {permission_hint(pid)}")
    except FileNotFoundError:
        raise InjectError(f"no process {pid}")


def ptrace_scope() -> Optional[int]:
    """kernel.yama.ptrace_scope, or None without Yama."""
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def permission_hint(pid: int) -> str:
    """Why this user may not trace `pid`, and what to do (docs/troubleshooting.md)."""
    scope = ptrace_scope()
    if scope == 3:
        return "kernel.yama.ptrace_scope is 3: no process may be traced until the next reboot"
    if os.geteuid() == 0:
        return ("refused even to root: no CAP_SYS_PTRACE (a container?), a security module (SELinux, "
                "AppArmor) forbids it, or the process belongs to a sandbox")
    try:
        owner = target_euid(pid)
    except OSError:
        owner = None
    if owner is not None and owner != os.geteuid():
        return f"it runs as uid {owner}: run polusgen as that user or as root"
    if scope in (1, 2):
        return (f"kernel.yama.ptrace_scope is {scope}: run as root (or give polusgen CAP_SYS_PTRACE)"
                + (", or allow it with `sysctl kernel.yama.ptrace_scope=0`" if scope == 1 else ""))
    return "run as its owner or as root"


def target_euid(pid: int) -> int:
    with open(f"{procmem.proc_dir(pid)}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[2])
    return 0


def _others_can_read(path: str) -> bool:
    p = os.path.realpath(path)
    if not os.stat(p).st_mode & 0o004:
        return False
    d = os.path.dirname(p)
    while True:
        if not os.stat(d).st_mode & 0o001:
            return False
        if d == "/":
            return True
        d = os.path.dirname(d)


def stage_for(pid: int, path: str) -> str:
    """A path of the library `path` that the target can dlopen: the path
    itself, or, when the target runs as another user who cannot reach it
    (a daemon that dropped root, a patch under /root), a copy in a
    world-readable folder of /tmp named by the file's hash."""
    try:
        if target_euid(pid) in (0, os.geteuid()) or _others_can_read(path):
            return path
    except OSError:
        return path
    import shutil
    import tempfile

    digest = elfmod.file_sha256(path)[:20]
    d = os.path.join(tempfile.gettempdir(), "polusgen-stage", digest)
    dst = os.path.join(d, os.path.basename(path))
    if not os.path.exists(dst):
        os.makedirs(d, mode=0o755, exist_ok=True)
        os.chmod(os.path.dirname(d), 0o755)
        os.chmod(d, 0o755)
        tmp = dst + f".{os.getpid()}.tmp"
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    return dst


def tracer_of(pid: int) -> int:
    try:
        with open(f"{procmem.proc_dir(pid)}/status") as f:
            for line in f:
                if line.startswith("TracerPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


RECLAIM_TRIES = 8      # stack samples before what unloading kept is left to a later command


class Session:
    """Use as a context manager: on exit every thread is resumed and detached."""

    def __init__(self, pid: int):
        self.pid = pid
        self.tracer = pt.Tracer(pid)
        self.mem: Optional[procmem.Memory] = None
        self.remote: Optional[remote.Remote] = None
        self._rt: Optional[tuple[int, elfmod.ElfFile, str]] = None

    # ---- attach / detach ----
    def __enter__(self) -> "Session":
        if not self.tracer.threads:
            self.attach()
        return self

    def __exit__(self, *exc) -> None:
        self.detach()

    @classmethod
    def brief(cls, pid: int) -> "Session":
        """Seized with one thread stopped and the runtime looked up; the caller
        stops every thread (tracer.stop_all()) only for what needs it."""
        s = cls(pid)
        s.attach(stop=False)
        try:
            if s.runtime() is not None:
                s.remote._errno_of(s.remote.pick_thread())
        except BaseException:
            s.detach()
            raise
        return s

    def attach(self, stop: bool = True) -> None:
        """Seize every thread; stop them all, or with stop=False only one to make
        remote calls with (the others run on until tracer.stop_all())."""
        try:
            self.tracer.attach(stop=stop)
        except pt.PtraceError as e:
            self.tracer.detach_all()
            if e.errno == errno.EPERM and pt.process_dying(self.pid):
                raise InjectError(f"process {self.pid} exited (or is exiting)")
            if e.errno == errno.EPERM:
                other = tracer_of(self.pid)
                if other:
                    raise InjectError(f"process {self.pid} is already traced by pid {other} "
                                      "(another injector or a debugger): try again when it has finished")
                raise InjectError(f"no permission to ptrace process {self.pid}: {permission_hint(self.pid)}")
            if e.errno == errno.ESRCH:
                raise InjectError(f"no process {self.pid}")
            raise InjectError(f"cannot attach to process {self.pid}: {e}")
        except pt.ProcessGone as e:
            self.tracer.detach_all()
            raise InjectError(str(e))
        self.mem = procmem.Memory(self.pid)
        self.remote = remote.Remote(self.tracer, self.mem)
        # before anything changes, and never later: a single-threaded target
        # stopped inside malloc/free is let out first (letting it run in the
        # middle of an apply would hand it half-made state and its pending signals)
        try:
            if len(self.tracer.threads) == 1:
                self.remote.out_of_malloc(next(iter(self.tracer.threads)))
        except BaseException:
            self.tracer.detach_all()
            raise

    def detach(self) -> None:
        with faults.critical():
            try:
                self.tracer.detach_all()
            finally:
                if self.mem is not None:
                    self.mem.close()

    # ---- what an injector that died left behind ----
    def recover(self, wait: float = 5.0) -> list[str]:
        """Before anything else, every command finishes or undoes what an
        earlier injector left half done; returns what was found and done
        (for the user to read).
        - a commit or rollback still running inside the target (its
          injector died during that call, which runs to its end on its own):
          the threads run until it has ended;
        - a patch registered but never committed: aborted (nothing of it
          ever ran; the patch can be applied again);
        - a rollback still under way: one stack sample, which may see it
          finished;
        - a patch rolled back to the end, or aborted: unloaded (its records
          freed, its id free)."""
        if self.runtime() is None:
            return []
        notes: list[str] = []
        deadline = time.monotonic() + wait
        while True:
            st = self._after_transaction(notes, deadline, wait)
            undone, started = [], False
            for p in st.get("patches", []):
                if p.get("state") in ("registering", "registered", "pre-updated"):
                    rc = self.rt_call32("polus_rt_abort", p["id"], let_others_run=False)
                    if rc == 0:
                        undone.append(p["id"])
                        notes.append(f"undid the interrupted apply of {p['name']} to process {self.pid} (it had "
                                     f"reached '{p['state']}', before its commit: none of it ever ran)")
                    elif rc == ABORT_COMMIT_RUNNING:    # the dead injector's commit began after we looked
                        started = True
            if not started:
                break
        states = {p["id"]: p.get("state") for p in st.get("patches", [])}
        if any(v in ("rolled-back", "aborted", "rolling-back") for v in states.values()) or undone:
            self._with_all_stopped(lambda: notes.extend(self._finish_rollbacks_and_unload()))
        elif st.get("memory", {}).get("reclaimable"):
            self._with_all_stopped(self.reclaim)
        return notes

    def _after_transaction(self, notes: list[str], deadline: float, wait: float) -> dict:
        """The runtime's status once no commit or rollback left by an earlier
        injector is running (the threads run meanwhile)."""
        st = self.status_json()
        while st.get("transaction"):
            txn = st["transaction"]
            if not notes:
                notes.append(f"an interrupted {txn['op']} was still running in thread {txn['tid']} of process "
                             f"{self.pid}: it was let finish first")
            if time.monotonic() > deadline:
                raise InjectError(f"a {txn['op']} left by an earlier injector is still running in thread "
                                  f"{txn['tid']} of process {self.pid} after {wait:.0f} s: try again later")
            self._let_run(0.005)
            st = self.status_json()
        return st

    def _let_run(self, seconds: float) -> None:
        """Let the threads this injector holds run a moment, then hold them again."""
        all_stopped = self.tracer.stopped
        resumed = self.tracer.resume_all()
        time.sleep(seconds)
        if all_stopped:
            self.tracer.stop_all()
        else:
            self.tracer.stop_threads(resumed)

    def _finish_rollbacks_and_unload(self) -> list[str]:
        """A rollback left rolling back: one stack sample may see it
        finished.  Then every patch rolled back to the end, or aborted, is
        unloaded (newest first); one the runtime cannot unload yet stays
        for next time."""
        st = self.status_json()
        rolling = {p["id"] for p in st.get("patches", []) if p.get("state") == "rolling-back"}
        if rolling:
            self.progress()
            st = self.status_json()
        notes = []
        any_unloaded = False
        for p in sorted(st.get("patches", []), key=lambda p: -p["id"]):
            if p.get("state") in ("rolled-back", "aborted"):
                unloaded = self.rt_call32("polus_rt_unload", p["id"], let_others_run=False) == 0
                any_unloaded |= unloaded
                if p["id"] in rolling:
                    notes.append(f"{p['name']} has finished rolling back"
                                 + (" and was unloaded" if unloaded else ""))
        if any_unloaded or st.get("memory", {}).get("reclaimable"):
            self.reclaim()
        return notes

    def reclaim(self) -> None:
        """What unloading had to keep while a thread might be reading it
        (runtime/polus_rt.c: polus_rt_reclaim) is freed when no thread's
        stack shows it inside the runtime.  A thread caught in a runtime
        hook is let run a moment and the stacks sampled again, a few times:
        left to a later command, the next apply would take fresh item
        slots, and the runtime's memory would creep up under load."""
        base, e, path = self._rt
        text = [(m.start, m.end) for m in procmem.read_maps(self.pid) if m.path == path and "x" in m.perms]
        for attempt in range(RECLAIM_TRIES):
            if attempt:
                self._let_run(0.002)
            if not any(lo <= (pc if i == 0 else pc - 1) < hi for frames in self.samples().values()
                       for i, pc in enumerate(frames) for lo, hi in text):
                self.remote.call(self.rt_sym("polus_rt_reclaim"), let_others_run=False)
                return

    def _with_all_stopped(self, work) -> None:
        caller = self.remote.pick_thread()
        partial = not self.tracer.stopped
        if partial:
            self.tracer.stop_all()
        try:
            work()
        finally:
            if partial:
                self.tracer.resume_all(except_tid=caller)

    # ---- runtime ----
    def runtime(self, load: Optional[str] = None) -> Optional[tuple[int, elfmod.ElfFile, str]]:
        """(base, ELF, path) of the loaded runtime; with `load`, dlopen it first if absent."""
        if self._rt is not None:
            return self._rt
        maps = procmem.read_maps(self.pid)
        path = procmem.find_library(maps, RUNTIME_NAME)
        if path is None and load is not None:
            load = stage_for(self.pid, load)
            self.remote.dlopen(load, remote.RTLD_NOW | remote.RTLD_GLOBAL)
            maps = procmem.read_maps(self.pid)
            path = procmem.find_library(maps, RUNTIME_NAME)
            if path is None:
                raise InjectError(f"{load} was loaded but is not in /proc/{self.pid}/maps")
        if path is None:
            return None
        e = elfmod.cached(procmem.host_path(self.pid, path))
        self._rt = (procmem.load_base(maps, path, e.first_load_vaddr), e, path)
        return self._rt

    def rt_sym(self, name: str) -> int:
        base, e, _ = self._rt
        return base + e.find(name, tables=(".dynsym",)).value

    def rt_call32(self, name: str, *args, **kw) -> int:
        """An int-returning runtime function: the low 32 bits of rax, signed."""
        return _int32(self.remote.call(self.rt_sym(name), *args, **kw))

    def rt_switch(self, name: str, *args, kill: str) -> int:
        """A runtime call that switches the program (polus_rt_commit,
        polus_rt_rollback), with every other thread parked in the runtime
        meanwhile: one step for the program even if we die during it
        (runtime/rt_park.c).  `kill`: its kill point (faults.py)."""
        parking = remote.Parking(self.rt_sym("polus_rt_park"), self.rt_sym("polus_rt_park_gate"),
                                 SWITCH_HOLD_MS if faults.armed(kill) else 0)
        return _int32(self.remote.call(self.rt_sym(name), *args, let_others_run=False, timeout=5.0,
                                       parking=parking, kill=kill))

    def status_json(self) -> dict:
        if self._rt is None and self.runtime() is None:
            return {"patches": []}
        p = self.remote.call(self.rt_sym("polus_rt_status_json"))
        text = self.mem.read_cstr(p, 1 << 20)
        try:
            return json.loads(text)
        except ValueError as e:
            raise InjectError(f"the runtime's status is not JSON ({e}): {text[:200]!r}")

    def scratch(self, data: bytes) -> int:
        """Write `data` into the runtime's polus_rt_scratch; returns its address."""
        addr = self.rt_sym("polus_rt_scratch")
        if len(data) > abi.SCRATCH_SIZE:
            raise InjectError(f"{len(data)} bytes do not fit in the runtime's scratch buffer")
        self.mem.write(addr, data)
        return addr

    # ---- stacks ----
    def samples(self) -> dict[int, list[int]]:
        return stacks.sample_threads(self.tracer, self.mem, originals=self.originals)

    def originals(self) -> list[tuple[int, bytes]]:
        """The program's own bytes under every jump ever written (the first
        record at an address is the original), for the stack scan."""
        if self._rt is None:
            return []
        seen: dict[int, bytes] = {}
        for p in self.status_json().get("patches", []):
            for r in p.get("redirects", []):
                seen.setdefault(int(r["at"], 16), bytes.fromhex(r["orig"]))
        return list(seen.items())

    def progress(self, samples: Optional[dict[int, list[int]]] = None) -> int:
        raw = stacks.encode_samples(samples if samples is not None else self.samples())
        addr = self.scratch(raw)
        return self.rt_call32("polus_rt_progress", addr, len(raw) // 8)


def active_line(a: dict, which: str = "old") -> str:
    """One line of the runtime's active_functions: who still runs it."""
    threads = ", ".join(map(str, a.get("threads", [])))
    more = a.get("thread_count", 0) - len(a.get("threads", []))
    return (f"    {which} function {a['name']} still active in thread(s) {threads}"
            + (f" and {more} more" if more > 0 else ""))


def loaded_patches(pid: int, maps: Optional[list[procmem.Mapping]] = None) -> dict[str, str]:
    """{patch name: path} of every loaded object that carries a polusgen manifest."""
    maps = maps if maps is not None else procmem.read_maps(pid)
    out: dict[str, str] = {}
    for path in procmem.loaded_paths(maps):
        if not path.endswith(".so") or path.startswith(("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")):
            continue
        if os.path.basename(path) == RUNTIME_NAME:
            continue
        try:
            e = elfmod.cached(procmem.host_path(pid, path))
        except (OSError, elfmod.ElfError):
            continue
        raw = e.section_data(".polus_manifest")
        if raw is None:
            continue
        try:
            name = json.loads(raw.rstrip(b"\0").decode())["name"]
        except (ValueError, KeyError):
            continue
        out[name] = path
    return out


def watch(pid: int, wait: float, patch_name: Optional[str], interval: float = 0.02,
          rolling_back: bool = False) -> tuple[Optional[dict], int, float]:
    """Sample and report progress for up to `wait` seconds (stopping the
    threads only briefly each time).  Returns (status of the patch or None,
    rounds, seconds stopped)."""
    deadline = time.monotonic() + wait
    rounds, stopped = 0, 0.0
    last = None
    while True:
        try:
            with Session.brief(pid) as s:
                if s.runtime() is None:
                    return None, rounds, stopped
                s.tracer.stop_all()
                s.progress()
                st = s.status_json()
            stopped += s.tracer.stop_time
        except (InjectError, pt.ProcessGone):
            if not os.path.exists(f"/proc/{pid}"):
                raise InjectError(f"process {pid} exited while the update was watched")
            raise
        rounds += 1
        last = next((p for p in reversed(st.get("patches", [])) if p.get("name") == patch_name), None)
        done_states = ("rolled-back",) if rolling_back else ("terminated",)
        if last is None or last.get("state") in done_states or time.monotonic() >= deadline:
            return last, rounds, stopped
        time.sleep(interval)
