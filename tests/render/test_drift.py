"""The drift report's headline agrees in number with what it counts."""

from __future__ import annotations

from reconciler.core.change import Kind
from reconciler.render.drift import headline, render_drift
from reconciler.reports.drift import DriftItem, DriftReport


def _item(name: str) -> DriftItem:
    return DriftItem(Kind.PROJECT, (name,), "missing", "in the file, not in the organization")


def test_one_object_differs() -> None:
    """One drifted object reads "1 object … differs", in text and markdown alike."""
    report = DriftReport(config="org.yaml", items=(_item("a"),))
    line = "Drift: 1 object in the organization differs from org.yaml."
    assert headline(report) == line
    assert line in render_drift(report, fmt="text")
    assert line in render_drift(report, fmt="markdown")


def test_several_objects_differ() -> None:
    """Two drifted objects read "2 objects … differ"."""
    report = DriftReport(config="org.yaml", items=(_item("a"), _item("b")))
    assert headline(report) == "Drift: 2 objects in the organization differ from org.yaml."
