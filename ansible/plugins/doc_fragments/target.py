# -*- coding: utf-8 -*-
"""The options that name a server's processes, shared by every module."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  pid: {description: Process id of the server., type: int}
  pidfile: {description: File holding the server's process id., type: path}
  unit: {description: systemd unit whose processes to use (its whole cgroup)., type: str}
  executable: {description: Every process running this executable., type: path}
  tree:
    description: Include every descendant of the named processes that runs the same executable.
    type: bool
    default: true
  polusgen:
    description: The polusgen command on the host (default C(polusgen) on PATH, else C(python -m polusgen)).
    type: str
"""
