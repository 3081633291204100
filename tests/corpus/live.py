"""Shared by the live-update tests (test_live_*.py) and bench/bench_servers.py:
the chain of patches v0->v1->...->vN of a corpus server built against its
running v0 binary (one version file, hand-written user code where a step
needs it), applied step by step.

No tests here."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .harness import CORPUS, source_dir, versions

# hand-written user code per (server, step to version N)
USER_CODE = {
    ("kvserver", 3): CORPUS / "kvserver" / "patches" / "v2-v3.user.c",
    ("ftpish", 2): CORPUS / "ftpish" / "patches" / "v1-v2.user.c",
    ("ftpish", 3): CORPUS / "ftpish" / "patches" / "v2-v3.user.c",
}


@dataclass
class Chain:
    server: str
    binary: Path
    patches: dict[int, Path] = field(default_factory=dict)      # version N -> patch to N
    errors: dict[int, str] = field(default_factory=dict)        # version N -> why it was not built
    c_sizes: dict[int, int] = field(default_factory=dict)

    @property
    def last(self) -> int:
        """The highest version reached by building every step in turn."""
        n = 0
        while n + 1 in self.patches:
            n += 1
        return n


def build_chain(server: str, binary: Path, out_dir: Path, upto: Optional[int] = None,
                sources: Optional[list[Path]] = None, user_code: Optional[dict[int, Path]] = None) -> Chain:
    """Patches v0->v1, v1->v2, ... for the running v0 ``binary``: what
    polusgen evolve does, with hand-written user code per step.
    ``sources``: the version trees in order (default: the corpus server's);
    ``user_code``: {N: file} for the step to version N (default: USER_CODE).
    Stops at the first step that does not build and records why."""
    from polusgen.errors import PolusError
    from polusgen.evolve import evolve

    trees = [Path(p) for p in sources] if sources else [source_dir(server, v) for v in versions(server)]
    if upto is not None:
        trees = trees[:upto + 1]
    if user_code is None:
        user_code = {n: f for (srv, n), f in USER_CODE.items() if srv == server}
    chain = Chain(server, Path(binary))

    def built(n, step, cs) -> None:
        chain.patches[n] = step.patch_so
        chain.c_sizes[n] = step.patch_c.stat().st_size

    try:
        evolve(trees, Path(out_dir), binary=Path(binary), program=Path(binary).name, user_code=user_code,
               on_step=built)
    except PolusError as e:
        chain.errors[chain.last + 1] = str(e)
    return chain


def apply_step(chain: Chain, n: int, srv) -> None:
    """Applies the patch to version n to the running server ``srv`` and
    checks that it runs version n."""
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.status import process_status

    assert n in chain.patches, f"patch to v{n} did not build: {chain.errors.get(n)}"
    res = apply_patch(srv.pid, chain.patches[n], wait=0.2)
    assert res.to_version == n
    assert srv.alive(), srv.stderr_text()
    assert process_status(srv.pid).version == n


def random_walk(chain: Chain, srv, seed: int, steps: int) -> list[str]:
    """Applies and rolls back at random (seeded: the same walk every run)
    while the caller's load runs: the next version, or a rollback to any
    lower one, with random waits, so that updates and rollbacks also land
    while earlier ones are still pending.  A step refused because a rollback
    is still in progress is part of the walk ("a2?").  Fails at the first
    other error or if the server dies.  Returns the walk."""
    import random
    import time

    from polusgen.errors import InjectError
    from polusgen.inject.apply import apply_patch
    from polusgen.inject.rollback import rollback_patch
    from polusgen.inject.status import process_status

    rnd = random.Random(seed)
    walk: list[str] = []
    for _ in range(steps):
        v = process_status(srv.pid).version
        up = v < chain.last and (v == 0 or rnd.random() < 0.6)
        step = f"a{v + 1}" if up else f"r{rnd.randrange(0, v)}"
        try:
            if up:
                apply_patch(srv.pid, chain.patches[v + 1], wait=rnd.choice([0.0, 0.05, 0.2]))
            else:
                rollback_patch(srv.pid, to=int(step[1:]), wait=rnd.choice([0.0, 0.05, 0.3]))
        except InjectError as e:
            if "still rolling back" not in str(e):
                raise AssertionError(f"walk {' '.join(walk)} then {step}: {e}") from e
            step += "?"
        walk.append(step)
        assert srv.alive(), f"died after {' '.join(walk)}: {srv.stderr_text()}"
        time.sleep(rnd.choice([0.0, 0.05, 0.2]))
    return walk


def stopped_clean(load, context=None):
    """Stops a LoadClient and checks it did work and nothing of it failed."""
    results = load.stop()
    assert results.steps > 0
    assert not results.failures, (context, results.failures[:3])
    return results
