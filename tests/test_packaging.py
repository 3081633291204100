"""`pip install .` must give a working tool: the templates, the fake libc
headers and the runtime's C source travel inside the wheel."""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout: pip builds inside the tree it is
    given, and setuptools' build/ keeps every module deleted since (a wheel
    built in the checkout ships them); nor do tests write into the checkout."""
    src = tmp_path_factory.mktemp("src") / "polusgen"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(src)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stderr[-2000:]}")
    (whl,) = out.glob("polusgen-*.whl")
    return whl


def test_wheel_carries_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "polusgen/_data/runtime/polus.h" in names
    assert any(n.startswith("polusgen/_data/runtime/") and n.endswith(".c") for n in names)
    assert any(n.startswith("polusgen/_data/templates/") and n.endswith(".j2") for n in names)
    assert "polusgen/_data/fake_libc_include/stdio.h" in names
    assert "polusgen/_data/fake_libc_include/sys/socket.h" in names


def test_wheel_carries_the_checkouts_modules_and_no_other(wheel):
    names = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("polusgen/") and n.endswith(".py")}
    here = {p.relative_to(ROOT).as_posix() for p in (ROOT / "polusgen").rglob("*.py")}
    assert names == here


def install_in_venv(wheel: Path, tmp_path: Path) -> Path:
    """A venv with polusgen from the wheel that sees the dependencies of the
    interpreter running the tests.  Not --system-site-packages: from inside a
    venv that shows the base interpreter's packages, not this venv's.  A .pth
    file lists this interpreter's site folders instead; they come after the
    venv's own, so the wheel's polusgen wins over one installed here (as in CI
    after `pip install .`), and their .pth files (an editable install's
    finder) are not run."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    here = [*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])]
    (Path(purelib) / "outer-site.pth").write_text("".join(f"{d}\n" for d in here if Path(d).is_dir()))
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
                   check=True)
    assert (venv / "bin" / "polusgen").is_file()
    return venv


def test_installed_tool_finds_its_data_outside_the_checkout(wheel, tmp_path):
    venv = install_in_venv(wheel, tmp_path)
    py = venv / "bin" / "python"
    code = ("import polusgen.resources as r, polusgen;"
            "print(polusgen.__file__, r.templates_dir(), r.fake_libc_dir(), r.runtime_dir())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    # the package and its data folders are the wheel's, installed in the venv
    assert len(out) == 4 and all(Path(p).is_relative_to(venv) and Path(p).exists() for p in out), out
    assert (Path(out[3]) / "polus.h").is_file()
    assert (Path(out[2]) / "stdio.h").is_file()
    assert any(Path(out[1]).glob("*.j2"))
    helptext = subprocess.run([str(venv / "bin" / "polusgen"), "--help"], cwd=tmp_path, env=env,
                              check=True, capture_output=True, text=True).stdout
    for command in ("diff", "build", "apply", "status", "rollback", "demo"):
        assert command in helptext


def test_installed_tool_runs_the_demo(wheel, tmp_path):
    """The README's first command, from the wheel: a real live update and rollback."""
    venv = install_in_venv(wheel, tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["POLUS_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([str(venv / "bin" / "polusgen"), "demo", "--workdir", str(tmp_path / "demo")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "new code runs (j moves)" in proc.stdout
    assert "version 0 again" in proc.stdout
