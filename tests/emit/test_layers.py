"""The emitter renders a plan; it does not reach back into the frontend
(issue 9).  What both need of C syntax lives in polusgen.csyntax, which
depends on no stage.  Read from the source with the ast module, so an import
inside a function counts too."""
from __future__ import annotations

import ast
from pathlib import Path

import polusgen

PKG = Path(polusgen.__file__).resolve().parent


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of the package."""
    package = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out += [(node.lineno, f"{base}.{a.name}" if node.module is None else base) for a in node.names]
    return out


def offending(folder: str, forbidden) -> list[str]:
    return [f"{p.relative_to(PKG.parent)}:{line}: imports {mod}"
            for p in sorted((PKG / folder).glob("*.py")) for line, mod in imported_modules(p) if forbidden(mod)]


def test_resolves_relative_imports():
    mods = {m for _, m in imported_modules(PKG / "plan" / "spell.py")}
    assert "polusgen.plan.rename" in mods


def test_emitter_imports_nothing_of_the_frontend():
    assert offending("emit", lambda m: m == "polusgen.frontend" or m.startswith("polusgen.frontend.")) == []


def test_emitter_only_renders():
    """No syntax trees, no graphs: what the patch holds is decided by the plan."""
    assert offending("emit", lambda m: m.split(".")[0] in ("pycparser", "networkx")) == []


def test_csyntax_depends_on_no_stage():
    assert offending("csyntax", lambda m: m.startswith("polusgen") and not m.startswith("polusgen.csyntax")) == []
