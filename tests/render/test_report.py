"""Every rendering of a report carries its facts, its digest and what is not known."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reconciler.core.report_table import Report
from reconciler.render.report import FORMATS, ReportFormat, render_report

REPORT = Report(
    kind="access",
    title="Access review",
    facts=(("read_at", "2027-01-15T08:00:00Z"), ("organization", "org")),
    columns=("principal", "api_keys"),
    rows=(("a|b@x.io", 2),),
    not_known=("multi-factor authentication",),
    notes=("a note",),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_carries_facts_digest_and_unknowns(fmt: ReportFormat) -> None:
    """The digest, the read time and what the API cannot tell appear in every format."""
    text = render_report(REPORT, fmt=fmt)
    for expected in (REPORT.digest(), "2027-01-15T08:00:00Z", "multi-factor authentication"):
        assert expected in text


def test_the_digest_is_the_rows_canonical_json_and_json_carries_the_rows() -> None:
    """JSON rows are objects; their digest changes with any cell and not with the facts."""
    document = json.loads(render_report(REPORT, fmt="json"))
    assert document["rows"] == [{"principal": "a|b@x.io", "api_keys": 2}]
    assert document["digest"] == REPORT.digest()
    changed = replace(REPORT, rows=(("a|b@x.io", 3),))
    refacted = replace(REPORT, facts=(("read_at", "later"),))
    assert changed.digest() != REPORT.digest() == refacted.digest()


def test_markdown_escapes_pipes_and_an_empty_table_says_so() -> None:
    """A `|` in a cell does not split the Markdown row; a table without rows says `(no rows)`."""
    assert "| a\\|b@x.io | 2 |" in render_report(REPORT, fmt="markdown")
    empty = replace(REPORT, rows=())
    assert "(no rows)" in render_report(empty, fmt="table")
