"""Fixtures of the injector tests: build small C programs with plain gcc -O2
(no frame pointers, no -rdynamic; PIE and non-PIE) and run them, killing every
process a test starts."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import pie, targets  # noqa: E402,F401  (fixtures)
