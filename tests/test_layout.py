"""The tests mirror the source tree: tests/<package>/test_<module>.py specifies
reconciler/<package>/<module>.py, shared helpers are in tests/support/, fixtures in conftest.py."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "reconciler"
# Test folders that specify something outside reconciler/, and what.
NOT_PACKAGES = {"gitops": "action.yml, .github/workflows/ and examples/gitlab/"}
# Checks of the whole project: its layering, its README, its packaging and release.
WHOLE_PROJECT = {
    "test_architecture.py",
    "test_errors.py",  # reconciler/errors.py, the one module at the top with the tree
    "test_imports.py",
    "test_layout.py",
    "test_precommit.py",
    "test_readme.py",
    "test_release.py",
}


def _test_files() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def _is_fixture(node: ast.stmt) -> bool:
    decorators = getattr(node, "decorator_list", [])
    return any("fixture" in ast.unparse(d) for d in decorators)


def test_every_test_folder_names_a_package() -> None:
    """Each test file below tests/ sits in a folder whose path is a package of reconciler/ (or
    one of the few folders for what lives outside it)."""
    strays = []
    for path in _test_files():
        folder = path.parent.relative_to(TESTS)
        if folder == Path():
            continue
        if folder.parts[0] in NOT_PACKAGES and len(folder.parts) == 1:
            continue
        if not (PACKAGE / folder / "__init__.py").is_file():
            strays.append(f"{path.relative_to(TESTS)}: no package reconciler/{folder.as_posix()}/")
    assert strays == [], strays


def test_only_whole_project_checks_sit_at_the_top() -> None:
    """A test file directly in tests/ is one of the whole-project checks; any other goes in the
    folder of the package it specifies (CLI end to end in tests/cli/)."""
    top = {path.name for path in _test_files() if path.parent == TESTS}
    assert top <= WHOLE_PROJECT, sorted(top - WHOLE_PROJECT)


def test_tests_import_helpers_only_from_tests_support() -> None:
    """No test module imports a conftest or another test module: what tests share is in the
    importable tests.support package."""
    wrong = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                local = parts[0] == "tests" and parts[1:2] != ["support"]
                if local or parts[-1] == "conftest" or parts[0].startswith("test_"):
                    wrong.append(f"{path.relative_to(TESTS)}:{node.lineno}: imports {name}")
    assert wrong == [], wrong


def test_conftest_files_hold_only_fixtures() -> None:
    """Every function or class a conftest.py defines is a fixture (or a pytest hook): helpers
    that are not fixtures belong in tests/support/."""
    helpers = []
    for path in sorted(TESTS.rglob("conftest.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if _is_fixture(node) or node.name.startswith("pytest_"):
                continue
            helpers.append(f"{path.relative_to(TESTS)}:{node.lineno}: {node.name}")
    assert helpers == [], helpers
