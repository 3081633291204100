"""The `polusgen` executable.

apply, status and rollback run on the update's critical path, where typer and
the packages it pulls in (about 0.1-0.25 s here before a command runs) would
cost more than the update itself.  They go straight to the argparse front end
of polusgen.inject, which calls the same functions with the same options and
output; everything else (and --help) goes through the typer app.
"""
from __future__ import annotations

import sys

FAST_COMMANDS = {"apply", "status", "rollback"}


def main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] in FAST_COMMANDS and not {"-h", "--help"} & set(argv):
        from polusgen.inject.__main__ import main as fast_main

        sys.exit(fast_main(argv))
    from polusgen.cli import main as typer_main

    sys.exit(typer_main(argv))


if __name__ == "__main__":
    main()
