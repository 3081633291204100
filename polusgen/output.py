"""What commands write: lines on stdout that survive a reader who went away
(`polusgen status PID | head -1`), a stage's error as one line and an exit
status, and the mode the user's umask gives to
the files polusgen.outputs writes (as `cc -o` or `cp` would).  Standard
library only: the fast front end of apply/status/rollback uses it."""
from __future__ import annotations

import os
import sys


class PipeSafe:
    """A stream whose writes survive a reader who went away: the rest of the
    output is dropped, the command goes on and its exit status stays."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_devnull()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_devnull()

    def _to_devnull(self) -> None:
        # the interpreter flushes again at exit: let that go to /dev/null quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name):       # isatty, fileno, encoding: the stream's own
        return getattr(self._stream, name)


def say(text: str, stream=None) -> None:
    """Print one line (or several), surviving a closed pipe (PipeSafe)."""
    out = PipeSafe(stream or sys.stdout)
    out.write(text + "\n")
    out.flush()


def run_stage(fn, *args, json_on_stdout: bool = False, **kwargs) -> tuple[object, int]:
    """Call a stage: (its result, 0), or (None, the exit status) after its
    user-facing error was printed as one line (docs/cli.md, "Exit status").
    Nothing to do is not an error: said on stdout (stderr when stdout
    carries JSON)."""
    from polusgen.errors import Exit, PolusError, exit_status

    try:
        return fn(*args, **kwargs), Exit.OK
    except PolusError as e:
        code = exit_status(e)
        if code == Exit.NO_CHANGES:
            say(str(e), sys.stderr if json_on_stdout else sys.stdout)
        else:
            say(f"error: {e}", sys.stderr)
        return None, code
    except KeyboardInterrupt:
        say("interrupted", sys.stderr)
        return None, Exit.INTERRUPTED


def umask() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)        # the only other way to read it is to set it
    os.umask(mask)
    return mask


def publish(tmp: str | os.PathLike, path: str | os.PathLike, executable: bool = False) -> None:
    """Give a finished temporary file the user's mode and move it into place
    (temporary files are created 0600, whatever the umask)."""
    os.chmod(tmp, (0o777 if executable else 0o666) & ~umask())
    os.replace(tmp, path)
