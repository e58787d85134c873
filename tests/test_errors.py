"""One error tree: every exception class reconciler defines is a ReconcilerError, drawn in
errors.py's diagram, unless listed here with the reason it is not."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import reconciler
from reconciler import errors
from reconciler.errors import ReconcilerError

# Exception classes outside the tree, each with the reason.
OUTSIDE_THE_TREE = {
    # The simulated server's "answer with this HTTP error": it becomes a response, never
    # reaches a person as an exception.
    "reconciler.sandbox.wire.ApiFailure",
    # click's usage errors: click shows and exits them itself (one `error:` line, exit 1).
    "reconciler.cli.errors.UsageError",
    "reconciler.cli.errors._HelpInstead",
}


def _exception_classes() -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for info in pkgutil.walk_packages(reconciler.__path__, "reconciler."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.add(value)
    return found


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_exception_class_is_in_the_tree_or_listed() -> None:
    """A class that derives from Exception but not ReconcilerError is named in the list."""
    classes = _exception_classes()
    outside = {_name(c) for c in classes if not issubclass(c, ReconcilerError)}
    assert outside == OUTSIDE_THE_TREE


def test_the_tree_is_defined_and_drawn_in_errors_py() -> None:
    """Every ReconcilerError is defined in errors.py and named in its docstring's diagram."""
    tree = {c for c in _exception_classes() if issubclass(c, ReconcilerError)}
    assert {c.__module__ for c in tree} == {"reconciler.errors"}
    doc = errors.__doc__ or ""
    assert [c.__name__ for c in tree if c.__name__ not in doc] == []
