"""What commands write: lines on stdout that survive a reader who went away
(`polusgen status PID | head -1`), and the mode the user's umask gives to
the files polusgen.outputs writes (as `cc -o` or `cp` would).  Standard
library only: the fast front end of apply/status/rollback uses it."""
from __future__ import annotations

import os
import sys


def say(text: str, stream=None) -> None:
    """Print one line (or several).  A closed pipe is not the command's
    failure: the rest of the output is dropped and the exit status stays."""
    stream = stream or sys.stdout
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        # the interpreter flushes again at exit: let that go to /dev/null quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


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
