import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inject"))
from helpers import targets  # noqa: E402,F401  (fixture)
