"""The `polusgen` executable.

apply, status and rollback run on the update's critical path, where the
typer app costs more than the update itself: typer imports pydantic to
check values (measured: `polusgen status PID` 0.11 s without typer, 0.35 s
through it).  So a command line of these three that parse_fast() takes
whole -- every option known, every value valid -- runs without typer;
anything else (-h, an unknown option, a missing argument, `--to -1`) goes
to the typer app, which prints the help or the usage error the way every
other command does.  tests/test_cli.py keeps the two parsers in step.
"""
from __future__ import annotations

import sys
from typing import Optional

# command: (its arguments, {option: (parameter, value type or None for a flag)});
# every value must be a number >= 0, as the typer app says (min=0)
FAST = {
    "apply": (("target", "patch"), {"--tree": ("tree", None), "--wait": ("wait", float),
                                    "--force": ("force", None), "--json": ("json_out", None)}),
    "status": (("target",), {"--tree": ("tree", None), "--json": ("json_out", None),
                             "--interval": ("interval", float)}),
    "rollback": (("target",), {"--to": ("to", int), "--tree": ("tree", None), "--wait": ("wait", float),
                               "--json": ("json_out", None)}),
}


def parse_fast(argv: list[str]) -> Optional[tuple[str, dict]]:
    """(command, its parameters) for a valid apply/status/rollback command
    line, else None (the typer app takes it)."""
    if not argv or argv[0] not in FAST:
        return None
    names, options = FAST[argv[0]]
    params: dict = {}
    positional: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            positional += args
            break
        if not arg.startswith("-") or arg == "-":
            positional.append(arg)
            continue
        opt, eq, value = arg.partition("=")
        if opt not in options:
            return None
        param, kind = options[opt]
        if kind is None:
            if eq:
                return None
            params[param] = True
            continue
        if not eq:
            value = next(args, None)
            if value is None:
                return None
        try:
            number = kind(value)
        except ValueError:
            return None
        if not number >= 0:        # NaN too
            return None
        params[param] = number
    if len(positional) != len(names):
        return None
    params.update(zip(names, positional))
    return argv[0], params


def main() -> None:
    argv = sys.argv[1:]
    fast = parse_fast(argv)
    if fast is not None:
        from polusgen.inject.commands import run
        from polusgen.output import run_stage

        result, status = run_stage(run, fast[0], **fast[1], json_on_stdout=bool(fast[1].get("json_out")))
        sys.exit(status or result)
    from polusgen.cli import main as typer_main

    sys.exit(typer_main(argv))


if __name__ == "__main__":
    main()
