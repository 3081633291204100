"""The command line behaves like the tools its users know: --version, -h
everywhere, one style of usage errors, help for every option, documented
exit codes, files written with the user's umask, no traceback on a closed
pipe, progress only on a terminal, the parse cache shown and cleared."""
from __future__ import annotations

import inspect
import json
import os
import pty
import re
import select
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import polusgen
from polusgen.cli import app
from polusgen.errors import EXIT_CODES

REPO = Path(__file__).resolve().parent.parent
FIG2 = REPO / "tests" / "cases" / "fig2"
LOCAL_STATIC = REPO / "tests" / "cases" / "local_static"       # a change that comes with a warning
GROUP = typer.main.get_command(app)


def polusgen_run(*args, env=None, umask=None, **kw) -> subprocess.CompletedProcess:
    def child():
        if umask is not None:
            os.umask(umask)
    return subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, env=env, preexec_fn=child, timeout=600, **kw)


@pytest.fixture
def cache_env(tmp_path):
    return {**os.environ, "POLUS_CACHE_DIR": str(tmp_path / "cache")}


def commands():
    ctx = GROUP.make_context("polusgen", ["--help"], resilient_parsing=True)
    return {name: GROUP.get_command(ctx, name) for name in GROUP.list_commands(ctx)}


# ------------------------------------------------------------------ help and usage

def test_version():
    r = polusgen_run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"polusgen {polusgen.__version__}"


@pytest.mark.parametrize("command", sorted(commands()))
def test_dash_h_on_every_command(command):
    r = polusgen_run(command, "-h")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"Usage: polusgen {command} ")
    assert "<bool>" not in r.stdout           # a flag takes no value
    assert "Traceback" not in r.stderr


def test_every_option_has_help_and_flags_show_no_placeholder():
    for name, cmd in commands().items():
        for param in cmd.params:
            if param.param_type_name == "option":
                assert (param.help or "").strip(), f"polusgen {name} {param.opts}: no help"
            else:
                assert (param.help or "").strip(), f"polusgen {name} {param.name}: no help"


@pytest.mark.parametrize("argv", [["diff", "a"], ["build"], ["evolve", "--frob"], ["nosuchcommand"]])
def test_usage_errors_have_one_style_and_status_2(argv):
    r = polusgen_run(*argv)
    assert r.returncode == 2, (argv, r.stdout, r.stderr)
    assert re.search(r"^Usage: polusgen( \w+)? \[OPTIONS\]", r.stderr, re.M), r.stderr
    assert "Try 'polusgen" in r.stderr and "Error:" in r.stderr
    assert "python -m polusgen.inject" not in r.stderr and "Traceback" not in r.stderr


# apply/status/rollback: the typer-free parser of polusgen.entry takes a command
# line only whole; everything else is the typer app's, in its one style
FAST_VALID = [["apply", "12", "p.so"], ["apply", "--tree", "12", "p.so", "--wait", "0.5", "--force", "--json"],
              ["apply", "/usr/sbin/srv", "p.so", "--wait=0"], ["status", "12", "--json", "--interval", "0"],
              ["status", "--tree", "12"], ["rollback", "12"], ["rollback", "12", "--to", "0", "--wait", "2", "--json"],
              ["rollback", "--", "12"]]
FAST_INVALID = [["rollback", "12", "--to", "-1"], ["rollback", "12", "--to", "x"], ["apply", "12"],
                ["apply", "12", "p.so", "--wait", "-1"], ["status", "12", "--interval", "nan"], ["status"],
                ["status", "12", "--frob"], ["status", "12", "-h"], ["apply", "-h"], ["rollback", "12", "--json=1"],
                ["status", "12", "13"], ["rollback", "12", "--to"], ["apply", "12", "p.so", "--wai", "1"]]


def test_fast_parser_is_in_step_with_the_app():
    from polusgen.entry import FAST, parse_fast
    from polusgen.inject.commands import run

    cmds = commands()
    for name, (arguments, options) in FAST.items():
        params = cmds[name].params
        assert set(options) == {o for p in params if p.param_type_name == "option" for o in p.opts} - {"-h", "--help"}
        assert list(arguments) == [p.name for p in params if p.param_type_name == "argument"]
        assert {param for param, _ in options.values()} | set(arguments) == {p.name for p in params}
    # what the app passes to run() is what the fast parser passes, defaults included
    defaults = {k: p.default for k, p in inspect.signature(run).parameters.items() if p.default is not p.empty}
    for argv in FAST_VALID:
        cmd, got = parse_fast(argv)
        ctx = cmds[cmd].make_context(cmd, argv[1:])
        app_params = {k: str(v) if isinstance(v, Path) else v for k, v in ctx.params.items()}
        assert app_params == {**{k: defaults[k] for k in app_params if k in defaults}, **got}, argv
    for argv in FAST_INVALID:
        assert parse_fast(argv) is None, argv


@pytest.mark.parametrize("argv", FAST_INVALID[:3] + FAST_INVALID[5:7])
def test_runtime_commands_usage_errors_are_the_apps(argv):
    r = polusgen_run(*argv)
    assert r.returncode == 2, (argv, r.stdout, r.stderr)
    assert r.stderr.startswith(f"Usage: polusgen {argv[0]} [OPTIONS] ") and "Error:" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    if "--to" in argv:
        assert "Invalid value for '--to'" in r.stderr


def with_closed_pipe(*args, env=None) -> subprocess.CompletedProcess:
    """Run polusgen with stdout a real pipe whose reader has exited (what
    `polusgen ... | head -1` leaves once head has its line)."""
    read, write = os.pipe()
    reader = subprocess.Popen(["head", "-c", "0"], stdin=read)
    reader.wait(timeout=60)
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "polusgen", *map(str, args)], cwd=REPO, stdout=write,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=600)
    finally:
        os.close(write)


def test_closed_pipe_is_no_failure(tmp_path, cache_env):
    patch = tmp_path / "p.polus.c"
    r = with_closed_pipe("diff", FIG2 / "v0", FIG2 / "v1", "--report", "-v", "-o", patch, env=cache_env)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
    assert patch.is_file()              # the report went nowhere; the work was done all the same
    sleeper = subprocess.Popen(["sleep", "600"])
    try:
        r = with_closed_pipe("status", sleeper.pid, env=cache_env)
        assert r.returncode == 0 and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
    finally:
        sleeper.kill()
        sleeper.wait()


def test_exit_codes_are_in_help_and_docs():
    top = polusgen_run("-h").stdout
    doc = (REPO / "docs" / "cli.md").read_text()
    for code, text in EXIT_CODES.items():
        assert re.search(rf"^\s*{int(code)}\s+{re.escape(text)}$", top, re.M), (code, top)
        assert f"| {int(code)} | {text} |" in doc


def test_reference_is_in_step_with_the_app():
    """docs/cli.md (python docs/gen_cli.py) has every command, option and help text, and no other command."""
    doc = (REPO / "docs" / "cli.md").read_text()
    sections = dict(re.findall(r"^## polusgen (\S+)\n(.*?)(?=^## |\Z)", doc, re.M | re.S))
    assert set(sections) == set(commands())
    for name, cmd in commands().items():
        text = re.sub(r"-\s+", "-", " ".join(sections[name].split()))      # help wraps after a hyphen too
        for p in cmd.params:
            for o in getattr(p, "opts", []) if p.param_type_name == "option" else []:
                assert re.search(rf"(^|[\s,]){re.escape(o)}[\s,]", sections[name]), (name, o)
            if p.help:
                assert re.sub(r"-\s+", "-", " ".join(p.help.split())) in text, (name, p.help)


# ------------------------------------------------------------------ diff, build, evolve

def test_diff_output_ends_with_what_it_wrote_and_the_warnings(tmp_path, cache_env):
    patch = tmp_path / "p.polus.c"
    r = polusgen_run("diff", FIG2 / "v0", FIG2 / "v1", "-o", patch, "--version-file", tmp_path / "fig2.json",
                     env=cache_env)
    assert r.returncode == 0, r.stderr
    assert patch.is_file()
    assert f"wrote {patch} (patch fig2-v1, v0 -> v1): functions +1 -0 ~2, types +0 -0 ~2, globals +0 -0 ~1" \
        in r.stdout
    assert f"updated {tmp_path / 'fig2.json'}" in r.stdout
    # a warning is in the patch and on the terminal
    r = polusgen_run("diff", LOCAL_STATIC / "v0.c", LOCAL_STATIC / "v1.c", "-o", patch, env=cache_env)
    assert r.returncode == 0, r.stderr
    warned = [line for line in r.stdout.splitlines() if "warning[" in line]
    assert warned and "warning[local-static]" in warned[0]
    assert all(line.split("warning[", 1)[1] in patch.read_text() for line in warned)


def test_identical_versions_are_no_changes_with_status_3(tmp_path, cache_env):
    patch = tmp_path / "p.polus.c"
    r = polusgen_run("diff", FIG2 / "v0", FIG2 / "v0", "-o", patch, env=cache_env)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "no changes between" in r.stdout and not patch.exists()
    r = polusgen_run("diff", FIG2 / "v0", FIG2 / "v0", "--json", "-", env=cache_env)
    assert r.returncode == 3 and json.loads(r.stdout)["counts"]["functions"]["changed"] == 0
    assert "no changes" in r.stderr


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_files_get_the_users_umask(tmp_path, cache_env, mask):
    patch, so, vf = tmp_path / "p.polus.c", tmp_path / "p.so", tmp_path / "fig2.json"
    assert polusgen_run("diff", FIG2 / "v0", FIG2 / "v1", "-o", patch, "--version-file", vf, env=cache_env,
                        umask=mask).returncode == 0
    r = polusgen_run("build", patch, "-o", so, env=cache_env, umask=mask)
    assert r.returncode == 0, r.stderr
    for path, mode in ((patch, 0o666), (vf, 0o666), (so, 0o777)):
        assert stat.S_IMODE(path.stat().st_mode) == mode & ~mask, path


def test_build_names_what_is_wrong_and_creates_no_folder(tmp_path):
    r = polusgen_run("build", tmp_path)
    assert r.returncode == 1 and f"{tmp_path} is a folder" in r.stderr and "no such patch" not in r.stderr
    (tmp_path / "p.polus.c").write_text("int x;\n")
    r = polusgen_run("build", tmp_path / "p.polus.c", "-o", tmp_path / "missing" / "p.so")
    assert r.returncode == 1 and f"no such folder {tmp_path / 'missing'}" in r.stderr
    assert not (tmp_path / "missing").exists()


def test_evolve_json_and_no_cache(tmp_path, cache_env):
    r = polusgen_run("evolve", FIG2 / "v0", FIG2 / "v1", "-o", tmp_path / "out", "--json", "--no-cache",
                     env=cache_env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["command"] == "evolve" and doc["exit_code"] == 0 and doc["changed"] is True
    (step,) = doc["steps"]
    assert Path(step["patch_so"]).is_file() and Path(doc["version_file"]).is_file()
    assert step["summary"] == "functions +1 -0 ~2, types +0 -0 ~2, globals +0 -0 ~1"
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("??/*.pickle"))


def test_evolve_text_ends_with_what_it_wrote(tmp_path, cache_env):
    r = polusgen_run("evolve", FIG2 / "v0", FIG2 / "v1", FIG2 / "v1", "-o", tmp_path / "out", env=cache_env)
    assert r.returncode == 0, r.stderr
    tail = r.stdout[r.stdout.rindex("wrote 2 patch(es)"):]
    assert "v0 -> v1: fig2-v1.so (functions +1 -0 ~2" in tail
    assert "v1 -> v2: fig2-v2.so (no changes" in tail


# ------------------------------------------------------------------ progress and cache

def run_on_terminal(argv, env) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal; (status, what the terminal got)."""
    master, slave = pty.openpty()
    # a terminal rich draws on (TERM=dumb or unset would make it hold back)
    p = subprocess.Popen([sys.executable, "-m", "polusgen", *map(str, argv)], cwd=REPO, env={**env, "TERM": "xterm"},
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    got = b""
    while True:
        ready, _, _ = select.select([master], [], [], 600)
        if not ready:
            p.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:            # EIO: the child closed the terminal
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    return p.wait(timeout=60), got.decode(errors="replace")


def test_progress_on_a_terminal_only(tmp_path, cache_env):
    code, tty = run_on_terminal(["diff", FIG2 / "v0", FIG2 / "v1", "--no-cache"], {**cache_env, "COLUMNS": "120"})
    assert code == 0
    assert f"parsing {FIG2 / 'v0'}" in tty and f"parsing {FIG2 / 'v1'}" in tty
    code, tty = run_on_terminal(["diff", FIG2 / "v0", FIG2 / "v1", "--no-cache", "-q"], cache_env)
    assert code == 0 and "parsing" not in tty
    piped = polusgen_run("diff", FIG2 / "v0", FIG2 / "v1", "--no-cache", env=cache_env)
    assert piped.returncode == 0 and "parsing" not in piped.stderr


def test_cache_command_shows_and_clears(tmp_path, cache_env):
    root = tmp_path / "cache"
    r = polusgen_run("cache", env=cache_env)
    assert r.returncode == 0 and str(root) in r.stdout and "parse cache: 0 entries" in r.stdout
    assert polusgen_run("diff", FIG2 / "v0", FIG2 / "v1", env=cache_env).returncode == 0
    n = len(list(root.glob("??/*.pickle")))
    assert n == len(list((FIG2 / "v0").glob("*.c"))) + len(list((FIG2 / "v1").glob("*.c")))
    assert f"parse cache: {n} entries" in polusgen_run("cache", env=cache_env).stdout
    r = polusgen_run("cache", "--clear", env=cache_env)
    assert r.returncode == 0 and f"removed {n} entries" in r.stdout
    assert not list(root.glob("??/*.pickle"))
    assert "parse cache: 0 entries" in polusgen_run("cache", env=cache_env).stdout
