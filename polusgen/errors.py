"""Errors the user can act on, and the exit status of every command.  The CLI
prints an error as one line and exits with its status; anything else is a
bug and keeps its traceback."""
from __future__ import annotations

import signal
from enum import IntEnum


class Exit(IntEnum):
    """Exit status of every polusgen command (docs/cli.md and `--help` show EXIT_CODES)."""
    OK = 0
    ERROR = 1
    USAGE = 2
    NO_CHANGES = 3
    # 128 + the signal, as a shell reports a command the signal ended
    HANGUP = 128 + signal.SIGHUP
    INTERRUPTED = 128 + signal.SIGINT
    TERMINATED = 128 + signal.SIGTERM


EXIT_CODES = {
    Exit.OK: "done",
    Exit.ERROR: "failed: the message says why; the target process and your files are as they were",
    Exit.USAGE: "bad command line (unknown option, missing argument, bad value)",
    Exit.NO_CHANGES: "nothing to do: the versions do not differ (diff, evolve), the patch is already applied "
                     "(apply), there is nothing to roll back (rollback); nothing was touched",
    Exit.HANGUP: "hung up (SIGHUP); apply and rollback say what they finished or undid",
    Exit.INTERRUPTED: "interrupted by Ctrl-C (SIGINT); apply and rollback say what they finished or undid",
    Exit.TERMINATED: "terminated (SIGTERM); apply and rollback say what they finished or undid",
}


class PolusError(Exception):
    """Base of every user-facing error."""
    exit_code = Exit.ERROR


class NothingToDo(PolusError):
    """Not a failure: the requested change is already there (exit status 3)."""
    exit_code = Exit.NO_CHANGES


def exit_status(e: PolusError) -> int:
    """The exit status of a command that raised `e`.  A wrapper (apply adds
    "nothing of the program was changed" to any error) keeps the status of
    what it wraps when that was nothing to do, or an interruption by SIGINT,
    SIGTERM or SIGHUP (polusgen.inject.faults.Interrupted carries its signal
    as `sig`)."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, NothingToDo):
            return Exit.NO_CHANGES
        sig = getattr(cause, "sig", None)
        if sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            return Exit(128 + sig)
        cause = cause.__cause__
    return e.exit_code


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


class AlreadyDone(InjectError, NothingToDo):
    """The process already is where the command would bring it (the patch is
    applied, nothing is left to roll back): nothing was touched (exit status 3)."""

