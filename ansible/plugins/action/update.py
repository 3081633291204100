# -*- coding: utf-8 -*-
"""Action side of polusgen.live.update: copy the patch libraries from the
controller to the host (unless remote_src), then run the module there."""
from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        patches = args.pop("patch", None) or args.get("patches") or []
        if isinstance(patches, str):
            patches = [patches]
        if patches and not args.get("remote_src", False):
            remote = []
            for src in patches:
                try:
                    local = self._find_needle("files", src)
                except AnsibleError as e:
                    result.update(failed=True, msg=f"patch {src}: {e}")
                    return result
                dest = self._connection._shell.join_path(self._connection._shell.tmpdir, os.path.basename(local))
                self._transfer_file(local, dest)
                self._fixup_perms2((self._connection._shell.tmpdir, dest))
                remote.append(dest)
            patches = remote
        args["patches"] = patches
        args["remote_src"] = True
        result.update(self._execute_module(module_name="polusgen.live.update", module_args=args,
                                           task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
