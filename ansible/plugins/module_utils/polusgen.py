# -*- coding: utf-8 -*-
"""What the polusgen.live modules share: which processes a target names, and
how to ask the polusgen command on the host about them.

The modules drive the `polusgen` command line (its --json output and exit
codes are the contract), and use polusgen's Python modules for two things
that have no command: selecting the processes a target names (the same
selection `polusgen apply` makes) and reading the manifest embedded in a patch.
"""
from __future__ import annotations

import importlib
import json
import os
import shlex
import shutil
import sys

TARGET_KEYS = ("pid", "pidfile", "unit", "executable")

TARGET_OPTIONS = dict(
    pid=dict(type="int"),
    pidfile=dict(type="path"),
    unit=dict(type="str"),
    executable=dict(type="path"),
    tree=dict(type="bool", default=True),
    polusgen=dict(type="str"),
)


class TargetError(Exception):
    """The target names no process, or cannot be read: the module fails with this message."""


# ------------------------------------------------------------------ processes

def _exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def _polusgen(module):
    """A module of polusgen, imported on the managed host; a clear error if it is not installed there."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise TargetError(f"polusgen is not importable by {sys.executable} on this host ({e}); "
                          "install it, or set ansible_python_interpreter to the Python that has it")


def _pool():
    """polusgen's own process selection (a tree of one binary, or every process of an executable)."""
    return _polusgen("polusgen.inject.pool"), _polusgen("polusgen.errors").InjectError


def _unit_pids(unit, run):
    rc, out, err = run(["systemctl", "show", "-p", "MainPID", "-p", "ControlGroup", "--", unit])
    if rc != 0:
        raise TargetError(f"systemd unit {unit}: {err.strip() or out.strip()}")
    props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    main = int(props.get("MainPID") or 0)
    if main <= 0:
        raise TargetError(f"systemd unit {unit} has no running main process")
    pids = [main]
    cgroup = props.get("ControlGroup")
    if cgroup:
        try:
            with open(f"/sys/fs/cgroup{cgroup}/cgroup.procs") as f:
                pids += [int(x) for x in f.read().split()]
        except OSError:
            pass  # cgroup v1 or not readable: the main process and its tree
    return pids


def select_processes(params, run):
    """The PIDs a module's target options name, sorted; raise TargetError if none."""
    given = [k for k in TARGET_KEYS if params.get(k) is not None]
    if len(given) != 1:
        raise TargetError("name the target with exactly one of: " + ", ".join(TARGET_KEYS))
    key = given[0]
    pool, InjectError = _pool()
    try:
        if key == "executable":
            return sorted(pool.processes_of(params["executable"]).pids)
        if key == "pid":
            roots = [params["pid"]]
        elif key == "pidfile":
            try:
                with open(params["pidfile"]) as f:
                    roots = [int(f.read().split()[0])]
            except (OSError, ValueError, IndexError) as e:
                raise TargetError(f"pidfile {params['pidfile']}: no process id in it ({e})")
        else:       # the unit's main process, and those of its cgroup that run the same executable
            roots = _unit_pids(params["unit"], run)
            main_exe = _exe(roots[0])
            roots = [r for r in roots if _exe(r) == main_exe]
        pids = set()
        for root in roots:
            if not os.path.exists(f"/proc/{root}"):
                raise TargetError(f"process {root} ({key} {params[key]}) does not exist")
            tree = pool.process_tree(root).pids
            pids.update(tree if params.get("tree", True) else [root])
        return sorted(pids)
    except InjectError as e:
        raise TargetError(str(e))


# ------------------------------------------------------------------ polusgen

def polusgen_command(params):
    """The polusgen command on this host: the option, else on PATH, else `python -m polusgen`."""
    if params.get("polusgen"):
        return shlex.split(params["polusgen"])
    found = shutil.which("polusgen")
    return [found] if found else [sys.executable, "-m", "polusgen"]


class Polusgen:
    def __init__(self, params, run):
        self.cmd = polusgen_command(params)
        self.run = run

    def call(self, *args):
        """(rc, stdout, stderr) of one polusgen command."""
        return self.run(self.cmd + [str(a) for a in args])

    def status(self, pid):
        """polusgen's status JSON of one process, with a `pending` list added."""
        rc, out, err = self.call("status", pid, "--json")
        if rc != 0:
            raise TargetError(f"process {pid}: polusgen status failed: {(err or out).strip()}")
        st = json.loads(out)
        st["pending"] = [p.get("name") for p in st.get("patches", []) if p.get("state") in ("active", "rolling-back")]
        return st


def summary(pid, st):
    """What a module returns about one process."""
    return dict(pid=pid, exe=st.get("exe"), version=st.get("version", 0), runtime_loaded=st.get("runtime_loaded", False),
                pending=st.get("pending", []),
                patches=[dict(name=p.get("name"), from_version=p.get("from_version"), to_version=p.get("to_version"),
                              state=p.get("state")) for p in st.get("patches", [])])


def runner(module):
    """A `run(argv) -> (rc, out, err)` on top of AnsibleModule.run_command."""
    def run(argv):
        return module.run_command(argv, check_rc=False)
    return run


def read_manifest(path):
    """(program, name, from_version, to_version) of a patch library."""
    read = _polusgen("polusgen.elf").read_manifest
    try:
        m = read(path)
    except Exception as e:  # ElfError, ValueError (ABI), OSError: all mean "not a patch we can use"
        raise TargetError(f"{path}: not a polusgen patch library ({e})")
    return m.program, m.name, m.from_version, m.to_version
