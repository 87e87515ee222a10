"""The seam (``audit/``) and the registry (``scopes/``) know nothing of the workflow: no module in them
imports ``addon``, at top level or inside a function. ``dsar_base/`` sits below all three and imports
none of them. Walks the source with ``ast`` so a lazy import inside a function is caught too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"audit": {"addon"}, "scopes": {"addon"}, "dsar_base": {"addon", "audit", "scopes"}}


def imported_roots(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in ``tree``; relative imports stay inside."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value).split(".")[0]))
    return found


def violations(package: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, root in imported_roots(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if root in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {root}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(package: str) -> None:
    assert (ROOT / package / "__init__.py").exists() or list((ROOT / package).glob("*.py")), package
    assert violations(package) == []


def test_the_walker_sees_lazy_and_dynamic_imports() -> None:
    src = "def f():\n    from addon.errors import DsarError\nimport addon.cases\nimportlib.import_module('addon.x')\n"
    assert sorted(line for line, root in imported_roots(ast.parse(src)) if root == "addon") == [2, 3, 4]


def test_addon_reexports_the_same_classes() -> None:
    import addon.errors
    import dsar_base.errors
    from addon.cases import lifecycle
    from dsar_base import vocabulary
    assert addon.errors.DsarError is dsar_base.errors.DsarError and addon.errors.NotFound is dsar_base.errors.NotFound
    assert lifecycle.STATUSES is vocabulary.STATUSES and lifecycle.OPEN is vocabulary.OPEN
