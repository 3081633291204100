"""`pip install .` must give a working tool: the templates, the fake libc
headers and the runtime's C source travel inside the wheel."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True)
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


def install_in_venv(wheel: Path, tmp_path: Path) -> Path:
    """A venv that sees the dependencies installed here but has polusgen from
    the wheel (--ignore-installed: a polusgen already in site-packages, as in
    CI after `pip install .`, must not stand in for it)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                    str(wheel)], check=True)
    assert (venv / "bin" / "polusgen").is_file()
    return venv


def test_installed_tool_finds_its_data_outside_the_checkout(wheel, tmp_path):
    venv = install_in_venv(wheel, tmp_path)
    py = venv / "bin" / "python"
    code = ("import polusgen.resources as r, polusgen;"
            "assert 'site-packages' in polusgen.__file__, polusgen.__file__;"
            "print(r.templates_dir(), r.fake_libc_dir(), r.runtime_dir())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert len(out) == 3 and all("site-packages" in p and Path(p).is_dir() for p in out)
    assert (Path(out[2]) / "polus.h").is_file()
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
