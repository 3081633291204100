"""The polusgen command line.

Thin on purpose: each command parses its options, calls one stage function
and renders the result.  Stage modules are imported inside the commands so
that `polusgen apply` does not pay for pycparser or jinja2; apply, status and
rollback usually do not even get here (polusgen.entry), but their help and
usage errors do.  docs/cli.md is generated from this app
(`python docs/gen_cli.py`); a test fails when it is out of step.

Options used by several commands are declared once below (INCLUDE, JSON,
...): a new one goes there, then into each command that takes it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from polusgen import __version__
from polusgen.errors import EXIT_CODES, Exit


def _exit_table() -> str:
    # \b: click keeps the lines of the next paragraph as they are
    return "Exit status:\n\n\b\n" + "\n".join(f"{int(c):>4}  {d}" for c, d in EXIT_CODES.items())


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Live updating of running C programs (POLUS).",
    epilog=_exit_table(),
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"polusgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                       help="print polusgen's version and exit")) -> None:
    pass


def _run(fn, *args, json_on_stdout: bool = False, **kwargs):
    """Call a stage; its user-facing errors become one clear line and their
    exit status (polusgen.output.run_stage)."""
    from polusgen.output import run_stage

    result, status = run_stage(fn, *args, json_on_stdout=json_on_stdout, **kwargs)
    if status:
        raise typer.Exit(status)
    return result


def _bars(quiet: bool):
    from polusgen.progress import Bars

    return Bars(quiet)


# ------------------------------------------------------------ shared options

INCLUDE = typer.Option([], "-I", metavar="DIR",
                       help="include folder, as for gcc (relative to each version's root, or absolute); repeatable")
DEFINE = typer.Option([], "-D", metavar="NAME[=VALUE]", help="preprocessor definition, as for gcc; repeatable")
SYSTEM = typer.Option([], "-isystem", "--isystem", metavar="DIR",
                      help="folder of another library's headers (both versions; relative to each root); repeatable")
BINARY = typer.Option(None, "--binary", metavar="EXE",
                      help="the running program's executable (records its build-id; finds what gcc inlined)")
PROGRAM = typer.Option(None, "--program", metavar="NAME",
                       help="program name (default: the binary's or the first version's folder name)")
NO_CACHE = typer.Option(False, "--no-cache", help="parse every file again: do not read or write the parse cache")
QUIET = typer.Option(False, "-q", "--quiet", help="no progress bars (they are drawn only when stderr is a terminal)")
JSON = typer.Option(False, "--json", help="print the outcome as one JSON document (docs/json.md)")
WAIT = typer.Option(1.0, "--wait", metavar="SECONDS", min=0.0,
                    help="how long to watch the update (or rollback) terminate before detaching")


# ---------------------------------------------------------------- constructor

@app.command()
def diff(
    old: Path = typer.Argument(..., metavar="OLD",
                               help="old version: a folder of .c files, one .c file, or a compile_commands.json"),
    new: Path = typer.Argument(..., metavar="NEW", help="new version, given the same way"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="PATCH.polus.c",
                                          help="write the patch here"),
    report: bool = typer.Option(False, "--report", help="print the change set as the paper's Table 1 "
                                                        "(the default without -o and --json)"),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="with --report: every entity and its reason"),
    json_out: Optional[Path] = typer.Option(None, "--json", metavar="FILE",
                                            help="write the change set as JSON ('-' for stdout)"),
    include: List[str] = INCLUDE,
    define: List[str] = DEFINE,
    system: List[str] = SYSTEM,
    version_file: Optional[Path] = typer.Option(None, "--version-file", metavar="FILE",
                                                help="versionfiles/NAME.json: the chain this patch continues "
                                                     "(created if missing, updated after writing the patch)"),
    binary: Optional[Path] = BINARY,
    program: Optional[str] = PROGRAM,
    user_code: Optional[Path] = typer.Option(None, "--user-code", metavar="FILE",
                                             help="hand-written sync functions and callbacks (C)"),
    no_cache: bool = NO_CACHE,
    quiet: bool = QUIET,
) -> None:
    """Compare two versions; report the change set and/or write the patch.

    Ends with what it wrote, the change set in one line and every warning.
    Versions that do not differ exit with status 3 and write no patch.
    """
    from polusgen.pipeline import run_diff

    with _bars(quiet) as progress:
        _run(run_diff, old, new, output=output, report=report or (output is None and json_out is None),
             verbose=verbose, json_out=json_out, include=include, define=define, system=system,
             version_file=version_file, binary=binary, program=program, user_code=user_code,
             use_cache=not no_cache, progress=progress, json_on_stdout=str(json_out) == "-")


@app.command()
def build(
    patch: Path = typer.Argument(..., metavar="PATCH.polus.c", help="the patch `polusgen diff -o` wrote"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="LIB.so",
                                          help="the shared library (default: beside the patch, .so); "
                                               "its folder must exist"),
    include: List[str] = typer.Option([], "-I", metavar="DIR",
                                      help="include folder of the program, for hand-written code's headers; "
                                           "repeatable"),
    user_code: Optional[Path] = typer.Option(None, "--user-code", metavar="FILE",
                                             help="hand-written sync functions and callbacks (C)"),
    force: bool = typer.Option(False, "--force", help="build even if the patch cannot carry some state "
                                                      "(see diff's errors)"),
) -> None:
    """Build a patch into a shared library with gcc; prints the library's path."""
    from polusgen.build import build_patch
    from polusgen.output import say

    so = _run(build_patch, patch, output, include_dirs=include, user_code=user_code, force=force)
    say(str(so))


@app.command()
def evolve(
    versions: List[Path] = typer.Argument(..., metavar="V0 V1 [V2...]",
                                          help="version trees in release order"),
    out_dir: Path = typer.Option(Path("patches"), "-o", "--out-dir", metavar="DIR",
                                 help="where the patches and the version file go (created if missing)"),
    binary: Optional[Path] = BINARY,
    program: Optional[str] = PROGRAM,
    include: List[str] = INCLUDE,
    define: List[str] = DEFINE,
    system: List[str] = SYSTEM,
    user_code_dir: Optional[Path] = typer.Option(None, "--user-code-dir", metavar="DIR",
                                                 help="folder with v<N>.c: hand-written code of the step to "
                                                      "version N"),
    no_cache: bool = NO_CACHE,
    json_out: bool = JSON,
    quiet: bool = QUIET,
) -> None:
    """Write and build the whole chain of patches with one version file.

    Ends with every patch written, its change set in one line and its
    warnings.  Exits with status 3 when no step changes anything.
    """
    from polusgen.evolve import run_evolve

    with _bars(quiet) as progress:
        _run(run_evolve, versions, out_dir=out_dir, binary=binary, program=program, include=include,
             define=define, system=system, user_code_dir=user_code_dir, use_cache=not no_cache, json_out=json_out,
             progress=progress, json_on_stdout=json_out)


# ---------------------------------------------------------------- runtime side
# The same commands as polusgen.entry runs without typer when their command
# line is whole (parse_fast): options and values must stay the same there.

TARGET = typer.Argument(..., metavar="TARGET",
                        help="process id, or the path of an executable: every process running it "
                             "(checked by build-id)")
TREE = typer.Option(False, "--tree", help="TARGET is a process id: it and every descendant running the same "
                                          "binary (a pre-forked server)")


def _runtime_side(cmd: str, **kwargs) -> None:
    """apply / status / rollback: polusgen.inject.commands prints; its status is ours."""
    from polusgen.inject.commands import run

    code = _run(run, cmd, json_on_stdout=kwargs.get("json_out", False), **kwargs)
    if code:
        raise typer.Exit(code)


@app.command()
def apply(
    target: str = TARGET,
    patch: Path = typer.Argument(..., metavar="PATCH.so", help="the library `polusgen build` made"),
    tree: bool = TREE,
    wait: float = WAIT,
    force: bool = typer.Option(False, "--force", help="apply even if the patch cannot carry some state "
                                                      "(see diff's errors)"),
    json_out: bool = JSON,
) -> None:
    """Live-update a running process (or every process of a server).

    Exits with status 3, touching nothing, when every process runs the patch already.
    """
    _runtime_side("apply", target=target, patch=str(patch), tree=tree, wait=wait, force=force, json_out=json_out)


@app.command()
def status(
    target: str = TARGET,
    tree: bool = TREE,
    json_out: bool = typer.Option(False, "--json", help="print the runtime's own status JSON (docs/json.md)"),
    interval: Optional[float] = typer.Option(
        None, "--interval", metavar="SECONDS", min=0.0,
        help="how long to count write-through faults per second (default 0.5; 0, or --json: do not)"),
) -> None:
    """Applied versions, update in progress or terminated, what is still old."""
    _runtime_side("status", target=target, tree=tree, json_out=json_out, interval=interval)


@app.command()
def rollback(
    target: str = TARGET,
    to: Optional[int] = typer.Option(None, "--to", metavar="VERSION", min=0,
                                     help="version to go back to (default: the one before the newest update)"),
    tree: bool = TREE,
    wait: float = WAIT,
    json_out: bool = JSON,
) -> None:
    """Take back the newest update (or every update above --to).

    Exits with status 1 if the version asked for is not reached (the output
    says what still runs), 3 when there is nothing to roll back.
    """
    _runtime_side("rollback", target=target, tree=tree, to=to, wait=wait, json_out=json_out)


# ---------------------------------------------------------------- the rest

@app.command()
def cache(
    clear: bool = typer.Option(False, "--clear", help="remove every entry of the parse cache"),
) -> None:
    """Where the parse cache is, how big it is; clear it.

    The cache is $POLUS_CACHE_DIR, else ~/.cache/polusgen.  Entries are keyed
    by content: an edited file or header is parsed again, so clearing is only
    ever needed to free the space.  It also holds what rollback read of each
    patch's debug information (dwarf/, cleared too) and the runtime libraries
    built (runtime/, kept: running processes may have loaded them).
    """
    from polusgen.frontend import cache as pcache
    from polusgen.output import say
    from polusgen.transfer.dwarf import cache_entries

    root = pcache.cache_dir()
    if clear:
        n, freed = pcache.clear()
        dwarf = cache_entries()
        freed += pcache.size(dwarf)
        for p in dwarf:
            p.unlink(missing_ok=True)
        say(f"removed {n} entries ({_size(freed)}) from {root}"
            + (f", and {len(dwarf)} of debug information" if dwarf else ""))
        return
    entries = pcache.entries()
    runtime = [p for p in (root / "runtime").rglob("*") if p.is_file()]
    dwarf = cache_entries()
    say(f"{root}\n  parse cache: {len(entries)} entries, {_size(pcache.size(entries))}\n"
        f"  debug information read by rollback: {len(dwarf)} entries, {_size(pcache.size(dwarf))}\n"
        f"  runtime builds: {len(runtime)} files, {_size(pcache.size(runtime))}")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MiB"


@app.command()
def demo(
    workdir: Optional[Path] = typer.Option(None, "--workdir", metavar="DIR",
                                           help="where to build (default: a temporary folder)"),
    no_cache: bool = NO_CACHE,
) -> None:
    """Watch a live update: patch a running program, then roll it back."""
    from polusgen.demo import run_demo

    _run(run_demo, workdir, use_cache=not no_cache)


@app.command()
def study(
    trees: List[Path] = typer.Argument(..., help="releases in order: trees, .c files or compile_commands.json (each one's name names the release)"),
    binary: str = typer.Option(..., "--binary", help="each release's binary, a template: '{tree}/src/prog'"),
    start: str = typer.Option(..., "--start", help="command that starts a binary in the foreground: '{binary} -p {port}' ({work}: a scratch folder)"),
    probe: str = typer.Option(..., "--probe", help="line | greeting | dns (see polusgen/study/probes.py)"),
    send: List[str] = typer.Option([], "--send", help="a probe request (repeat; \\r\\n escapes allowed)"),
    mask: List[str] = typer.Option([], "--mask", help="regex of reply text that varies between runs (repeat)"),
    sources: str = typer.Option("{tree}", "--sources", help="what polusgen diff reads, a template: '{tree}/src'"),
    build_cmd: Optional[str] = typer.Option(None, "--build", help="shell command run in each tree first"),
    include: List[str] = typer.Option([], "-I", help="include directory (relative to each version's sources)"),
    define: List[str] = typer.Option([], "-D", help="preprocessor definition NAME[=VALUE]"),
    user_code: Optional[str] = typer.Option(None, "--user-code", help="hand-written code per pair, a template: 'user/{old}-{new}.c' (used where it exists)"),
    program: Optional[str] = typer.Option(None, "--program", help="program name (default: the binary's name)"),
    work: Path = typer.Option(Path("study"), "--work", help="where patches, logs and scratch folders go"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write every pair's result and the totals here"),
    load_threads: int = typer.Option(2, "--load-threads", help="client threads looping during apply and rollback"),
    tree: bool = typer.Option(False, "--tree", help="a pre-forked server: apply and roll back every process of its pool"),
) -> None:
    """Update a running program through its releases, pair by pair, and tabulate what worked."""
    from polusgen.study import run_study

    results = _run(run_study, trees, binary=binary, start=start, probe=probe, requests=send, masks=mask,
                   sources=sources, build=build_cmd, include=include, define=define, user_code=user_code,
                   program=program, work=work, json_out=json_out, load_threads=load_threads, tree=tree,
                   log=typer.echo)
    if any(r.harmed for r in results):
        raise typer.Exit(1)


def main(argv: Optional[list[str]] = None) -> int:
    """Run the app; its exit status (docs/cli.md)."""
    try:
        app(args=argv, prog_name="polusgen")
    except SystemExit as e:        # click ends every command this way
        return e.code if isinstance(e.code, int) else Exit.ERROR
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
