#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import annotations

DOCUMENTATION = r"""
module: update_info
short_description: Which polusgen version the processes of a server run, and what is still pending
description:
  - Reads polusgen's status of every process of a target (the process, and with O(tree) its descendants that run
    the same executable). Changes nothing.
version_added: "0.1.0"
extends_documentation_fragment: [polusgen.live.target]
notes:
  - Supports check mode (it changes nothing in any mode).
author: polusgen developers
"""

EXAMPLES = r"""
- polusgen.live.update_info:
    pidfile: /run/proxy.pid
  register: live
- ansible.builtin.debug:
    msg: "{{ live.version }} ({{ live.pending | length }} update(s) still pending)"
"""

RETURN = r"""
version: {description: The version every process runs (null if they differ)., type: int, returned: always}
versions: {description: Every version seen., type: list, elements: int, returned: always}
pending: {description: Names of patches not yet terminated in some process., type: list, elements: str, returned: always}
processes: {description: Per process, pid, exe, version, pending and every patch's state., type: list, elements: dict, returned: always}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.polusgen.live.plugins.module_utils.polusgen import (
    TARGET_OPTIONS, Polusgen, TargetError, runner, select_processes, summary)


def main():
    module = AnsibleModule(argument_spec=dict(**TARGET_OPTIONS),
                           mutually_exclusive=[("pid", "pidfile", "unit", "executable")],
                           required_one_of=[("pid", "pidfile", "unit", "executable")],
                           supports_check_mode=True)
    run = runner(module)
    pg = Polusgen(module.params, run)
    try:
        procs = [summary(pid, pg.status(pid)) for pid in select_processes(module.params, run)]
    except TargetError as e:
        module.fail_json(msg=str(e))
    versions = sorted({p["version"] for p in procs})
    module.exit_json(changed=False, processes=procs, versions=versions,
                     version=versions[0] if len(versions) == 1 else None,
                     pending=sorted({n for p in procs for n in p["pending"]}))


if __name__ == "__main__":
    main()
