"""The exported config as text: file names for a split export."""

from __future__ import annotations

from reconciler.reports.export_yaml import split_names


def test_split_names_are_safe_and_unique() -> None:
    """Project names become file names the loader reads (never hidden or `x-`), distinct even
    on a case-insensitive file system."""
    names = split_names(
        ["search", "Search", "ops: prod", "研究 lab", ".hidden", "x-ray", "#", "a/b"]
    )
    assert names == {
        "search": "search",
        "Search": "Search-2",
        "ops: prod": "ops-prod",
        "研究 lab": "研究-lab",
        ".hidden": "hidden",
        "x-ray": "project-x-ray",
        "#": "project",
        "a/b": "a-b",
    }
