from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test gets an empty cache of its own."""
    monkeypatch.setenv("POLUS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def tree(tmp_path):
    """tree({"a.c": "...", "inc/h.h": "..."}) writes the files (dedented) and returns the folder."""
    def make(files: dict[str, str], root: Path | None = None) -> Path:
        root = root or tmp_path / "v"
        for name, text in files.items():
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text))
        return root
    return make
