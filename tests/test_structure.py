"""The code's shape: every module small enough to say in one sentence, imports one way.

A module over ``MAX_MODULE_LINES`` holds two jobs (issue 24's bound); an import circle
means two modules are one concept split badly. Imports inside functions (the lazy
ones that keep start-up fast) count as much as those at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_MODULE_LINES = 300
PACKAGES = ("pipeline", "schemas")
MODULES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {_name(p): p for p in MODULES}


def _imports(path: Path) -> set[str]:
    """The project's modules ``path`` imports, wherever in the file the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node.module, node.level)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in NAMES} - {_name(path)}


def _absolute(path: Path, module: str | None, level: int) -> str:
    """The module a ``from`` import names, a relative one (``from . import x``) resolved."""
    if level == 0:
        return module or ""
    package = _name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[:len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_the_line_bound(path: Path) -> None:
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: two modules in one"


def test_modules_import_one_way() -> None:
    """No module reaches itself through its imports (a depth-first walk that meets a module
    still on its path has found a circle)."""
    graph = {name: _imports(path) - {name.rpartition(".")[0]} for name, path in NAMES.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(name):], name]))
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
