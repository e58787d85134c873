"""The FOCUS csv is safe to open in a spreadsheet."""

from __future__ import annotations

import pytest

from reconciler.render.usage_csv import neutralise


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-5.2500000000", "-5.2500000000"),
        ("search-prod", "search-prod"),
    ],
)
def test_formulas_are_neutralised_and_numbers_kept(cell: str, shown: str) -> None:
    """A cell starting with = + - @ or a tab gets a leading quote, unless it is a number."""
    assert neutralise(cell) == shown
