"""Write docs/cli.md, the reference of every command and option, from the
typer app itself:

    python docs/gen_cli.py            # rewrite docs/cli.md
    python docs/gen_cli.py --check    # exit 1 if docs/cli.md is out of step

tests/test_cli.py runs the check.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DOC = Path(__file__).resolve().parent / "cli.md"
WIDTH = 100


def render() -> str:
    import typer

    from polusgen.cli import app
    from polusgen.errors import EXIT_CODES

    group = typer.main.get_command(app)
    root = group.make_context("polusgen", ["--help"], resilient_parsing=True)
    root.max_content_width = root.terminal_width = WIDTH
    out = ["# polusgen command reference", "",
           "Generated from the program by `python docs/gen_cli.py`: every command, argument and option, as",
           "`polusgen COMMAND -h` prints it.  The JSON that `--json` prints is described in",
           "[json.md](json.md); when things go wrong, see [troubleshooting.md](troubleshooting.md).", "",
           "```", group.get_help(root).rstrip(), "```", "",
           "## Exit status", "", "Every command ends with one of these:", "",
           "| status | meaning |", "|---|---|"]
    out += [f"| {int(code)} | {text} |" for code, text in EXIT_CODES.items()]
    for name in group.list_commands(root):
        cmd = group.get_command(root, name)
        ctx = cmd.make_context(name, ["--help"], parent=root, resilient_parsing=True)
        ctx.max_content_width = ctx.terminal_width = WIDTH
        out += ["", f"## polusgen {name}", "", "```", cmd.get_help(ctx).rstrip(), "```"]
    return "\n".join(out) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if not DOC.is_file() or DOC.read_text() != text:
            print(f"{DOC} is out of step with the app: run python docs/gen_cli.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
