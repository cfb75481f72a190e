"""The tree is the architecture: planner/ is a library in layers, each importing only the layers
below it; only the solver layers import OR-Tools; the CLI and the app's pages use the public API
(``planner``) and, for the pages, the app's support package. Read from the source, so a new import
that breaks a layer fails here before it confuses a reader."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import planner

ROOT = Path(__file__).resolve().parents[1]

# Bottom to top: a unit may import the units before it, never one after it.
LAYERS = ["version", "contract", "inputs", "problem", "store", "synthetic", "evaluation", "heuristics", "solver",
          "workflow", "analyses", "__init__", "app_support", "cli"]
SOLVER_LAYERS = {"solver", "heuristics"}


def unit(module: str) -> str:
    """planner.solver.build -> solver; planner -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> list[tuple[str, int]]:
    """Every absolute module a file imports, anywhere in it (function-level imports count), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "planner":  # from planner import app_support: the subpackage, else the API
                found += [("planner.app_support" if a.name == "app_support" else "planner", node.lineno) for a in node.names]
            else:
                found.append((node.module, node.lineno))
    return found


def library_files() -> list[Path]:
    return sorted((ROOT / "planner").rglob("*.py"))


def own_unit(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return unit(".".join(parts[:-1] if parts[-1] == "__init__" else parts))


def test_every_unit_has_a_layer():
    assert {own_unit(f) for f in library_files()} == set(LAYERS)


def test_each_layer_imports_only_the_layers_below_it():
    upward = []
    for f in library_files():
        mine = own_unit(f)
        for module, line in imports(f):
            if module == "planner" or module.startswith("planner."):
                other = unit(module)
                if other != mine and LAYERS.index(other) > LAYERS.index(mine):
                    upward.append(f"{f.relative_to(ROOT)}:{line} ({mine}) imports {module} ({other})")
    assert not upward, "\n".join(upward)


def test_only_the_solver_layers_import_ortools():
    found = [f"{f.relative_to(ROOT)}:{line}" for f in library_files() + sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py"]
             for module, line in imports(f) if module.split(".")[0] == "ortools"
             and not (f.is_relative_to(ROOT / "planner") and own_unit(f) in SOLVER_LAYERS)]
    assert not found, found


@pytest.mark.parametrize("path", [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))], ids=lambda p: p.name)
def test_the_app_uses_the_public_api_and_its_support_package(path):
    wrong = [f"{module} (line {line})" for module, line in imports(path)
             if (module.startswith("planner.") and not module.startswith("planner.app_support")) or module.startswith("ortools")]
    assert not wrong, wrong


@pytest.mark.parametrize("path", sorted((ROOT / "planner" / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_cli_uses_the_public_api(path):
    wrong = [f"{module} (line {line})" for module, line in imports(path)
             if module.startswith("planner.") and not module.startswith("planner.cli")]
    assert not wrong, wrong


def test_streamlit_stays_in_the_app():
    found = [f"{f.relative_to(ROOT)}:{line}" for f in library_files() for module, line in imports(f)
             if module.split(".")[0] == "streamlit"]
    assert not found, found


@pytest.mark.parametrize("name", sorted(planner._ON_FIRST_USE))
def test_every_name_of_the_api_resolves(name):
    module, attribute = planner._ON_FIRST_USE[name]
    assert getattr(planner, name) is getattr(importlib.import_module(module), attribute)
    assert name in planner.__all__
