"""The runtime-side commands without the CLI framework (typer costs ~0.25 s
before a command runs):

    python -m polusgen.inject apply PID patch.so [--wait S] [--force]
    python -m polusgen.inject status PID [--json]
    python -m polusgen.inject rollback PID [--to V] [--wait S]

Same functions, same output and exit status as `polusgen apply/status/rollback`.
"""
from __future__ import annotations

import argparse
import sys

from polusgen.errors import PolusError


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m polusgen.inject", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("apply", help="live-update a running process")
    a.add_argument("pid", type=int)
    a.add_argument("patch")
    a.add_argument("--wait", type=float, default=1.0)
    a.add_argument("--force", action="store_true", help="apply even if the patch cannot carry some state")
    s = sub.add_parser("status", help="applied versions, what is still old")
    s.add_argument("pid", type=int)
    s.add_argument("--json", action="store_true")
    r = sub.add_parser("rollback", help="take back the newest update (or all above --to)")
    r.add_argument("pid", type=int)
    r.add_argument("--to", type=int, default=None)
    r.add_argument("--wait", type=float, default=1.0)
    args = ap.parse_args(argv)
    try:
        if args.cmd == "apply":
            from polusgen.inject.apply import apply_patch
            print(apply_patch(args.pid, args.patch, wait=args.wait, force=args.force).describe())
        elif args.cmd == "status":
            from polusgen.inject.status import process_status
            st = process_status(args.pid)
            print(st.to_json() if args.json else st.describe())
        else:
            from polusgen.inject.rollback import rollback_patch
            print(rollback_patch(args.pid, to=args.to, wait=args.wait).describe())
    except PolusError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
