"""apply, status and rollback as commands: what they print (text, or one
JSON document with --json: docs/json.md) and their exit status.  Called by
`polusgen` with or without typer (polusgen.entry); standard library only.

TARGET is a process id, or the path of an executable (every process
running it); with --tree a PID stands for the process and every descendant
running the same binary.  Exit status 1 when some process did not reach the
version asked for, 3 when every process already ran it.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Optional

from polusgen.errors import Exit, PolusError, exit_status
from polusgen.output import say

SCHEMA = 1


def run(cmd: str, target: str, tree: bool = False, patch: Optional[str] = None, wait: float = 1.0,
        to: Optional[int] = None, json_out: bool = False, interval: Optional[float] = None,
        force: bool = False) -> int:
    """One runtime-side command, printed; its exit status.  status counts
    write-through faults per second over `interval` (default 0.5 s; not for
    --json unless asked).  Errors are raised (PolusError) for the caller to
    print; with --json, nothing to do is a document of its own."""
    from polusgen.inject.pool import selector

    select = selector(target, tree)
    if cmd == "status":
        return _status(target, select, json_out, interval)
    try:
        if select is not None:
            return _pool(cmd, select, patch, wait, to, force, json_out)
        if cmd == "apply":
            from polusgen.inject.apply import apply_patch
            res = apply_patch(int(target), patch, wait=wait, force=force)
            one = _entry(res.pid, "updated", res.to_version, f"{res.state} after {res.watched_s:.2f} s")
            return _done(cmd, Exit.OK, res.describe(), [one], json.loads(res.to_json()), json_out, changed=True)
        from polusgen.inject.rollback import rollback_patch
        res = rollback_patch(int(target), to=to, wait=wait)
        state = "rolled-back" if res.reached else "blocked" if res.pending and res.pending.blocked else "pending"
        one = _entry(res.pid, state, res.version, res.pending.describe() if res.pending else "")
        detail = {**dataclasses.asdict(res), "version": res.version, "reached": res.reached}
        return _done(cmd, Exit.OK if res.reached else Exit.ERROR, res.describe(), [one], detail, json_out,
                     changed=True)
    except PolusError as e:
        if not json_out or exit_status(e) != Exit.NO_CHANGES:
            raise
        done = [] if select is not None else [_entry(int(target), "skipped", None, str(e))]
        return _done(cmd, Exit.NO_CHANGES, str(e), done, None, json_out, changed=False)


def _status(target: str, select, json_out: bool, interval: Optional[float]) -> int:
    interval = interval if interval is not None else 0.0 if json_out else 0.5
    from polusgen.inject.pool import status_pool
    from polusgen.inject.status import process_status
    results = [process_status(int(target), rate_interval=interval)] if select is None \
        else status_pool(select, rate_interval=interval)
    if json_out:
        # the runtime's own status (the Ansible modules read it): one process, or a list
        say(results[0].to_json() if select is None else "[" + ",\n".join(r.to_json() for r in results) + "]")
        return Exit.OK
    say("\n".join(r.describe() for r in results))
    if select is not None:
        say(f"total: {len(results)} process(es), version(s) " + ", ".join(map(str, sorted({r.version for r in results}))))
    return Exit.OK


def _pool(cmd: str, select, patch, wait: float, to: Optional[int], force: bool, json_out: bool) -> int:
    from polusgen.inject.pool import apply_pool, rollback_pool
    res = apply_pool(select, patch, wait=wait, force=force) if cmd == "apply" \
        else rollback_pool(select, to=to, wait=wait)
    if res.missed:
        code = Exit.ERROR
    elif res.outcomes and all(o.state == "skipped" for o in res.outcomes.values()):
        code = Exit.NO_CHANGES          # every process ran that version already
    else:
        code = Exit.OK
    entries = [_entry(o.pid, o.state, None, o.detail) for o in res.outcomes.values()]
    entries += [_entry(pid, "left-out", None, why) for pid, why in res.others.items()]
    changed = any(o.state in ("updated", "rolled-back", "pending") for o in res.outcomes.values())
    return _done(cmd, code, res.describe(), entries, {"version": res.version, "what": res.what, "rounds": res.rounds,
                                                        "seconds": res.seconds}, json_out, changed)


def _entry(pid: int, state: str, version: Optional[int], detail: str) -> dict:
    return {"pid": pid, "state": state, "version": version, "detail": detail}


def _done(cmd: str, code: int, text: str, processes: list[dict], result: Optional[dict], json_out: bool,
          changed: bool) -> int:
    if not json_out:
        say(text)
        return code
    say(json.dumps({"schema": SCHEMA, "command": cmd, "ok": code != Exit.ERROR, "exit_code": int(code),
                    "changed": changed, "message": text.splitlines()[0] if text else "", "processes": processes, "result": result},
                   indent=2))
    return code
