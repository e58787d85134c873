"""DESIGN.md's boundaries, checked on the source: who may import httpx, print, or know API
paths, and how long a module may grow."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"
OUTPUT = ("cli/", "render/", "sandbox/")
PURE = ("core/", "render/")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_pure_core_imports_no_http_clock_or_environment() -> None:
    """diff, plan, safety, scope, stakes, digest, model, change and render import no I/O."""
    banned = {"httpx", "os", "time", "reconciler.api", "reconciler.cli.runtime"}
    offenders = {
        name: sorted(_imports(tree) & banned)
        for name, tree in _modules()
        if name.startswith(PURE) and _imports(tree) & banned
    }
    assert offenders == {}


def test_only_the_command_line_and_renderers_write_output() -> None:
    """No library module calls print() or click.echo: output is the CLI's and renderers'."""
    offenders = []
    for name, tree in _modules():
        if name.startswith(OUTPUT):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("print", "click.echo", "click.secho", "sys.stdout.write"):
                    offenders.append(f"{name}:{node.lineno}: {called}")
    assert offenders == []


def test_only_kinds_and_the_sandbox_know_admin_api_paths() -> None:
    """Only kinds/ (what is managed), read/ (what is only read) and the simulator name
    `/organization/…` endpoints and parse their JSON."""
    offenders = []
    for name, tree in _modules():
        if name.startswith(("kinds/", "read/", "sandbox/")):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if node.value.startswith("/organization"):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


# Modules allowed past MAX_LINES, each with the reason it is one module (none today).
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 300


def test_modules_stay_small_unless_a_reason_is_stated() -> None:
    """Every module is under 300 lines, or is listed in LONG_MODULES with the reason why."""
    long = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    }
    assert {name: n for name, n in long.items() if name not in LONG_MODULES} == {}


# Names that once meant two things in two modules (issue 12): each is now defined once.
ONE_MEANING = ("Format", "Handler", "INTERRUPTED", "Kind", "Outcome", "REDACTED", "Target")


def test_names_that_meant_two_things_are_defined_once() -> None:
    """Each name in ONE_MEANING is defined at the top level of exactly one module."""
    where: dict[str, list[str]] = {name: [] for name in ONE_MEANING}
    for module, tree in _modules():
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                continue
            for name in names:
                if name in where:
                    where[name].append(module)
    assert {name: modules for name, modules in where.items() if len(modules) != 1} == {}
