"""Errors the user can act on.  The CLI prints them as one line and exits 1;
anything else is a bug and keeps its traceback."""
from __future__ import annotations


class PolusError(Exception):
    """Base of every user-facing error."""


class SourceError(PolusError):
    """Bad input source: names the file and line."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class UnsupportedError(SourceError):
    """A construct polusgen cannot handle (yet): names the file and line."""


class BuildError(PolusError):
    """gcc failed on a patch."""


class VersionFileError(PolusError):
    """A version file is missing, corrupt or does not match the patch."""


class InjectError(PolusError):
    """Applying, inspecting or rolling back failed; the target was left as it was."""
