"""The polusgen command line.

Thin on purpose: each command parses its options, calls one stage function
and renders the result with rich.  Stage modules are imported inside the
commands so that `polusgen apply` does not pay for pycparser or jinja2.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Live updating of running C programs (POLUS).",
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = 1) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def _run(fn, *args, **kwargs):
    """Call a stage; turn its user-facing errors into one clear line."""
    from polusgen.errors import PolusError

    try:
        return fn(*args, **kwargs)
    except PolusError as e:
        _fail(str(e))


# ---------------------------------------------------------------- constructor

@app.command()
def diff(
    old: Path = typer.Argument(..., help="old version: a folder of .c files, one .c file, or a compile_commands.json"),
    new: Path = typer.Argument(..., help="new version, given the same way"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the patch (patch.polus.c) here"),
    report: bool = typer.Option(False, "--report", help="print the change set as the paper's Table 1"),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="with --report: every entity and its reason"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write the change set as JSON ('-' for stdout)"),
    include: List[str] = typer.Option([], "-I", help="include directory (both versions; relative to each root)"),
    define: List[str] = typer.Option([], "-D", help="preprocessor definition NAME[=VALUE]"),
    system: List[str] = typer.Option([], "-isystem", "--isystem",
                                     help="folder of another library's headers (both versions; relative to each root)"),
    version_file: Optional[Path] = typer.Option(None, "--version-file", help="versionfiles/NAME.json: the chain this patch continues"),
    binary: Optional[Path] = typer.Option(None, "--binary", help="the running program's executable (records its build-id)"),
    program: Optional[str] = typer.Option(None, "--program", help="program name (default: the binary's or the folder's name)"),
    user_code: Optional[Path] = typer.Option(None, "--user-code", help="hand-written sync functions and callbacks (C)"),
    no_cache: bool = typer.Option(False, "--no-cache", help="do not use the parse cache"),
) -> None:
    """Compare two versions; report the change set and/or write the patch."""
    from polusgen.pipeline import run_diff

    _run(run_diff, old, new, output=output, report=report or (output is None and json_out is None),
         verbose=verbose, json_out=json_out, include=include, define=define, system=system,
         version_file=version_file, binary=binary, program=program, user_code=user_code,
         use_cache=not no_cache)


@app.command()
def build(
    patch: Path = typer.Argument(..., help="patch.polus.c written by `polusgen diff`"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="the shared library (default: patch.so beside it)"),
    include: List[str] = typer.Option([], "-I", help="include directory of the program (for its headers, if any)"),
    user_code: Optional[Path] = typer.Option(None, "--user-code", help="hand-written sync functions and callbacks (C)"),
    force: bool = typer.Option(False, "--force", help="build even if the patch cannot carry some state (see diff's errors)"),
) -> None:
    """Build a patch into a shared library with gcc."""
    from polusgen.build import build_patch

    so = _run(build_patch, patch, output, include_dirs=include, user_code=user_code, force=force)
    typer.echo(str(so))


@app.command()
def evolve(
    versions: List[Path] = typer.Argument(..., help="version trees in order: v0 v1 v2 ..."),
    out_dir: Path = typer.Option(Path("patches"), "-o", "--out-dir", help="where the patches go"),
    binary: Optional[Path] = typer.Option(None, "--binary", help="the running program's executable"),
    program: Optional[str] = typer.Option(None, "--program", help="program name"),
    include: List[str] = typer.Option([], "-I"),
    define: List[str] = typer.Option([], "-D"),
    system: List[str] = typer.Option([], "-isystem", "--isystem", help="folder of another library's headers"),
    user_code_dir: Optional[Path] = typer.Option(None, "--user-code-dir",
                                                 help="folder with v<N>.c: hand-written code of the step to version N"),
) -> None:
    """Generate and build the whole chain of patches with one version file."""
    from polusgen.evolve import run_evolve

    _run(run_evolve, versions, out_dir=out_dir, binary=binary, program=program, include=include, define=define,
         system=system,
         user_code_dir=user_code_dir)


# ---------------------------------------------------------------- runtime side

TARGET_HELP = "process id, or the path of an executable: every process running it (checked by build-id)"
TREE_HELP = "the process and every descendant running the same binary (a pre-forked server)"


def _runtime_side(cmd: str, **kwargs) -> None:
    """apply / status / rollback: polusgen.inject's front end prints; its status is ours."""
    from polusgen.inject.__main__ import run

    code = _run(run, cmd, **kwargs)
    if code:
        raise typer.Exit(code)


@app.command()
def apply(
    pid: str = typer.Argument(..., help=TARGET_HELP),
    patch: Path = typer.Argument(..., help="patch.so built by `polusgen build`"),
    tree: bool = typer.Option(False, "--tree", help=TREE_HELP),
    wait: float = typer.Option(1.0, "--wait", help="seconds to watch for the update to terminate before detaching"),
    force: bool = typer.Option(False, "--force", help="apply even if the patch cannot carry some state (see diff's errors)"),
) -> None:
    """Live-update a running process (or every process of a server)."""
    _runtime_side("apply", target=pid, patch=str(patch), tree=tree, wait=wait, force=force)


@app.command()
def status(
    pid: str = typer.Argument(..., help=TARGET_HELP),
    tree: bool = typer.Option(False, "--tree", help=TREE_HELP),
    json_out: bool = typer.Option(False, "--json", help="print the raw status JSON"),
    interval: Optional[float] = typer.Option(
        None, "--interval", help="seconds over which to count write-through faults per second "
                                 "(default 0.5; 0 or --json: do not)"),
) -> None:
    """Applied versions, update in progress or terminated, what is still old."""
    _runtime_side("status", target=pid, tree=tree, json_out=json_out, interval=interval)


@app.command()
def rollback(
    pid: str = typer.Argument(..., help=TARGET_HELP),
    to: Optional[int] = typer.Option(None, "--to", help="version to go back to (default: the previous one)"),
    tree: bool = typer.Option(False, "--tree", help=TREE_HELP),
    wait: float = typer.Option(1.0, "--wait", help="seconds to watch for the rollback to terminate"),
) -> None:
    """Take back the newest update (or every update above --to); exit 1 if
    the version asked for is not reached (the output says what still runs)."""
    _runtime_side("rollback", target=pid, tree=tree, to=to, wait=wait)


@app.command()
def demo(
    workdir: Optional[Path] = typer.Option(None, "--workdir", help="where to build (default: a temporary folder)"),
) -> None:
    """Watch a live update: start the Fig. 2 program, patch it, roll it back."""
    from polusgen.demo import run_demo

    _run(run_demo, workdir)


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
) -> None:
    """Update a running program through its releases, pair by pair, and tabulate what worked."""
    from polusgen.study import run_study

    results = _run(run_study, trees, binary=binary, start=start, probe=probe, requests=send, masks=mask,
                   sources=sources, build=build_cmd, include=include, define=define, user_code=user_code,
                   program=program, work=work, json_out=json_out, load_threads=load_threads, log=typer.echo)
    if any(r.harmed for r in results):
        raise typer.Exit(1)


def main() -> None:  # python -m polusgen
    app()


if __name__ == "__main__":
    sys.exit(main())
