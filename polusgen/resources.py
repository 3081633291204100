"""Where the data folders live, installed or in a source checkout.

templates/, fake_libc_include/ and runtime/ sit at the top of the repository;
`pip install .` maps them into the wheel as polusgen._data.*.  Callers ask
here and never build paths by hand.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Return the folder `name` (templates, fake_libc_include or runtime)."""
    checkout = _REPO_ROOT / name
    if checkout.is_dir() and (_REPO_ROOT / "pyproject.toml").is_file():
        return checkout
    # installed: the wheel maps the folders to polusgen/_data/<name>
    path = Path(__file__).resolve().parent / "_data" / name
    if not path.is_dir():
        raise FileNotFoundError(f"polusgen data folder {name!r} is missing from the installation")
    return path


def templates_dir() -> Path:
    return data_dir("templates")


def fake_libc_dir() -> Path:
    return data_dir("fake_libc_include")


def runtime_dir() -> Path:
    return data_dir("runtime")


def example_dir() -> Path:
    """The demo's program: the paper's Fig. 2 case (tests/cases/fig2 in a checkout)."""
    checkout = _REPO_ROOT / "tests" / "cases" / "fig2"
    if checkout.is_dir() and (_REPO_ROOT / "pyproject.toml").is_file():
        return checkout
    return Path(__file__).resolve().parent / "_data" / "examples" / "fig2"
