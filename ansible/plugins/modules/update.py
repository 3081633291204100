#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import annotations

DOCUMENTATION = r"""
module: update
short_description: Bring the running processes of a server to a polusgen patch version, live
description:
  - Applies polusgen patches to, or rolls them back from, every process of a target on the host
    (the process, and with O(tree) every descendant that runs the same executable: a pre-forked pool).
  - Each process is updated atomically by polusgen; processes already at the version are left alone, so the task
    is idempotent and reports C(changed) only when a process changed version.
  - Processes forked while the task runs are picked up and brought to the same version.
  - The patch files are copied from the controller unless O(remote_src) is true.
version_added: "0.1.0"
extends_documentation_fragment: [polusgen.live.target]
options:
  state:
    description:
      - V(applied) brings the processes to O(version) with O(patches) (rolling back if they run a newer one).
      - V(rolled_back) rolls back every patch above O(version).
    type: str
    choices: [applied, rolled_back]
    default: applied
  patches:
    description: The chain of patch libraries (C(.so) built by C(polusgen build)), in any order.
    type: list
    elements: path
    aliases: [patch]
  version:
    description:
      - With V(applied), the version to reach (default the highest version the patches reach).
      - With V(rolled_back), the version to go back to (default 0, the version the process was started as).
    type: int
  remote_src:
    description: The patches are already on the host (otherwise they are copied from the controller).
    type: bool
    default: false
  wait:
    description: Seconds polusgen watches each update or rollback for termination before it detaches.
    type: float
    default: 1.0
notes:
  - Supports check mode and diff mode.
  - Needs polusgen on the host and the rights to ptrace the processes (root or their owner).
author: polusgen developers
"""

EXAMPLES = r"""
- name: Bring the pool of proxy processes to version 2
  polusgen.live.update:
    pidfile: /run/proxy.pid
    patches: [patches/proxy-v1.so, patches/proxy-v2.so]
    version: 2

- name: Take every update back
  polusgen.live.update:
    unit: proxy.service
    state: rolled_back
    version: 0
"""

RETURN = r"""
version: {description: The version every selected process runs afterwards (null if they differ)., type: int, returned: always}
processes:
  description: One entry per process, with the versions before and after and what was done.
  type: list
  elements: dict
  returned: always
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.polusgen.live.plugins.module_utils.polusgen import (
    TARGET_OPTIONS, Polusgen, TargetError, read_manifest, runner, select_processes, summary)

RESCANS = 5     # rounds of "did a new process appear while we worked?"


def plan_chain(patches, current, target):
    """The patch files to apply, in order, to go from version current to target."""
    by_from = {}
    for path, (_, _, frm, to) in patches.items():
        by_from.setdefault(frm, []).append((to, path))
    chain, v = [], current
    while v < target:
        steps = [(to, p) for to, p in by_from.get(v, []) if to <= target]
        if not steps:
            raise TargetError(f"no patch goes from version {v} towards {target} "
                              f"(the patches given go {sorted((f, t) for _, _, f, t in patches.values())})")
        to, path = max(steps)
        chain.append(path)
        v = to
    return chain


def bring(pg, pid, params, patches, target, check):
    """Bring one process to the target version. Returns its result entry."""
    st = pg.status(pid)
    before = st.get("version", 0)
    entry = dict(pid=pid, exe=st.get("exe"), version_before=before, actions=[])
    if params["state"] == "applied" and before < target:
        for path in plan_chain(patches, before, target):
            entry["actions"].append(f"apply {os.path.basename(path)}")
            if not check:
                rc, out, err = pg.call("apply", pid, path, "--wait", params["wait"])
                if rc not in (0, 3):      # 3: applied already (nothing to do); the version is checked below
                    raise TargetError(f"process {pid}: apply {path} failed: {(err or out).strip()}")
    elif before > target:
        entry["actions"].append(f"rollback to {target}")
        if not check:
            rc, out, err = pg.call("rollback", pid, "--to", target, "--wait", params["wait"])
            if rc not in (0, 3):          # 3: nothing to roll back
                raise TargetError(f"process {pid}: rollback to version {target} failed: {(err or out).strip()}")
    if check or not entry["actions"]:
        entry.update(version_after=target if entry["actions"] else before, pending=st.get("pending", []))
    else:
        after = summary(pid, pg.status(pid))
        if after["version"] != target:
            raise TargetError(f"process {pid}: runs version {after['version']} after the update, not {target}")
        entry.update(version_after=after["version"], pending=after["pending"])
    entry["changed"] = bool(entry["actions"])
    return entry


def main():
    module = AnsibleModule(
        argument_spec=dict(
            **TARGET_OPTIONS,
            state=dict(type="str", choices=["applied", "rolled_back"], default="applied"),
            patches=dict(type="list", elements="path", aliases=["patch"], default=[]),
            version=dict(type="int"),
            remote_src=dict(type="bool", default=False),
            wait=dict(type="float", default=1.0),
        ),
        mutually_exclusive=[("pid", "pidfile", "unit", "executable")],
        required_one_of=[("pid", "pidfile", "unit", "executable")],
        required_if=[("state", "applied", ("patches",))],
        supports_check_mode=True,
    )
    p = module.params
    run = runner(module)
    pg = Polusgen(p, run)
    results, done = [], set()
    try:
        patches = {path: read_manifest(path) for path in p["patches"]}
        if p["state"] == "applied":
            target = p["version"] if p["version"] is not None else max(to for _, _, _, to in patches.values())
        else:
            target = p["version"] if p["version"] is not None else 0
        if target < 0:
            raise TargetError(f"version {target}: versions start at 0")
        for _ in range(RESCANS):
            todo = [pid for pid in select_processes(p, run) if pid not in done]
            if not todo:
                break
            for pid in todo:
                done.add(pid)
                try:
                    results.append(bring(pg, pid, p, patches, target, module.check_mode))
                except TargetError:
                    if os.path.exists(f"/proc/{pid}"):
                        raise
                    # a pool child that exited meanwhile: nothing left to update
    except TargetError as e:
        module.fail_json(msg=str(e), processes=results, changed=any(r["changed"] for r in results))

    changed = any(r["changed"] for r in results)
    versions = {r["version_after"] for r in results}
    out = dict(changed=changed, processes=results, version=versions.pop() if len(versions) == 1 else None)
    if module._diff:
        out["diff"] = dict(before="".join(f"pid {r['pid']}: version {r['version_before']}\n" for r in results),
                           after="".join(f"pid {r['pid']}: version {r['version_after']}\n" for r in results))
    module.exit_json(**out)


if __name__ == "__main__":
    main()
