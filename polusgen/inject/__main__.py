"""The runtime-side commands without the CLI framework (typer costs ~0.25 s
before a command runs):

    python -m polusgen.inject apply [--tree] PID|EXECUTABLE patch.so [--wait S] [--force]
    python -m polusgen.inject status [--tree] PID|EXECUTABLE [--json] [--interval S]
    python -m polusgen.inject rollback [--tree] PID|EXECUTABLE [--to V] [--wait S]

Same functions, same output and exit status as `polusgen apply/status/rollback`
(whose typer commands call run() below).  PID with --tree: the process and
every descendant running the same binary; EXECUTABLE: every process running
it.  Exit status 1 when some process did not reach the version asked for.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

from polusgen.errors import PolusError


def run(cmd: str, target: str, tree: bool = False, patch: Optional[str] = None, wait: float = 1.0,
        to: Optional[int] = None, json_out: bool = False, interval: Optional[float] = None,
        force: bool = False) -> int:
    """One runtime-side command, printed; its exit status.  status counts
    write-through faults per second over `interval` (default 0.5 s; not for
    --json unless asked)."""
    from polusgen.inject.pool import selector

    select = selector(target, tree)
    if cmd == "status":
        interval = interval if interval is not None else 0.0 if json_out else 0.5
        from polusgen.inject.pool import status_pool
        from polusgen.inject.status import process_status
        results = [process_status(int(target), rate_interval=interval)] if select is None \
            else status_pool(select, rate_interval=interval)
        if json_out:
            print(results[0].to_json() if select is None else "[" + ",\n".join(r.to_json() for r in results) + "]")
            return 0
        print("\n".join(r.describe() for r in results))
        if select is not None:
            print(f"total: {len(results)} process(es), version(s) "
                  + ", ".join(map(str, sorted({r.version for r in results}))))
        return 0
    if select is not None:
        from polusgen.inject.pool import apply_pool, rollback_pool
        res = apply_pool(select, patch, wait=wait, force=force) if cmd == "apply" \
            else rollback_pool(select, to=to, wait=wait)
        print(res.describe())
        return 1 if res.missed else 0
    if cmd == "apply":
        from polusgen.inject.apply import apply_patch
        print(apply_patch(int(target), patch, wait=wait, force=force).describe())
        return 0
    from polusgen.inject.rollback import rollback_patch
    res = rollback_patch(int(target), to=to, wait=wait)
    print(res.describe())
    return 0 if res.reached else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m polusgen.inject", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("apply", help="live-update a running process (or all of a server's processes)")
    a.add_argument("target")
    a.add_argument("patch")
    a.add_argument("--wait", type=float, default=1.0)
    a.add_argument("--force", action="store_true", help="apply even if the patch cannot carry some state")
    s = sub.add_parser("status", help="applied versions, what is still old")
    s.add_argument("target")
    s.add_argument("--json", action="store_true")
    s.add_argument("--interval", type=float, default=None)
    r = sub.add_parser("rollback", help="take back the newest update (or all above --to)")
    r.add_argument("target")
    r.add_argument("--to", type=int, default=None)
    r.add_argument("--wait", type=float, default=1.0)
    for p in (a, s, r):
        p.add_argument("--tree", action="store_true")
    args = ap.parse_args(argv)
    try:
        return run(args.cmd, args.target, tree=args.tree, patch=getattr(args, "patch", None),
                   wait=getattr(args, "wait", 1.0), to=getattr(args, "to", None), force=getattr(args, "force", False),
                   json_out=getattr(args, "json", False), interval=getattr(args, "interval", None))
    except PolusError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
