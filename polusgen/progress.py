"""Progress of long work (files parsed, patches built) as rich bars on
stderr: only when stderr is a terminal and the user did not ask for --quiet,
so pipes, logs and tests see nothing of it.

A stage asks for a bar with `progress(description, total)` and calls the
returned `advance(n=1)` as work gets done; `NO_PROGRESS` draws nothing.
"""
from __future__ import annotations

import sys
from typing import Callable, Protocol

Advance = Callable[..., None]


class ProgressFn(Protocol):
    def __call__(self, description: str, total: int) -> Advance: ...


def NO_PROGRESS(description: str, total: int) -> Advance:
    return lambda n=1: None


class Bars:
    """`with Bars(quiet) as progress:` gives a ProgressFn for the stages."""

    def __init__(self, quiet: bool = False):
        self.enabled = not quiet and sys.stderr.isatty()
        self._rich = None

    def __enter__(self) -> ProgressFn:
        if not self.enabled:
            return NO_PROGRESS
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._rich = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._rich.start()
        return self._bar

    def _bar(self, description: str, total: int) -> Advance:
        task = self._rich.add_task(description, total=total)
        self._rich.refresh()         # drawn at once, however short the work
        return lambda n=1: self._rich.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self._rich is not None:
            self._rich.stop()
