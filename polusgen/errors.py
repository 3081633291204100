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


class SourceErrors(SourceError):
    """Several translation units failed: every one's error, one per line
    (file and line are the first one's)."""

    def __init__(self, errors: list[SourceError], n_units: int):
        self.errors = errors
        first = errors[0]
        Exception.__init__(self, f"{len(errors)} of {n_units} translation units failed:\n"
                           + "\n".join(f"  {e}" for e in errors))
        self.file, self.line, self.message = first.file, first.line, str(self)


class BuildError(PolusError):
    """gcc failed on a patch."""


class VersionFileError(PolusError):
    """A version file is missing, corrupt or does not match the patch."""


class InjectError(PolusError):
    """Applying, inspecting or rolling back failed; the target was left as it was."""
