import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inject"))
from helpers import pie, targets  # noqa: E402,F401  (fixtures)
