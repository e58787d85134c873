"""CSV cells a spreadsheet would run as formulas are neutralised; the rest is plain RFC 4180."""

from __future__ import annotations

import csv
import io

import pytest

from reconciler.render.csv_cells import csv_text, neutralise


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_like_cell_is_prefixed_with_a_quote(cell: str) -> None:
    """A text cell starting with = + - @ (or tab, CR) becomes text: `'` is put in front."""
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["alice@example.com", "a=b", "sk-proj...abcd", "", 42, -3])
def test_other_cells_and_numbers_are_left_alone(cell: str | int) -> None:
    """Only the first character counts, and numbers stay numbers."""
    assert neutralise(cell) == cell


def test_the_preamble_stays_one_comment_line_each_and_the_rows_parse_back() -> None:
    """Preamble lines are `# ` comments even when a value holds a line break; rows parse back
    with quotes and commas intact."""
    text = csv_text(
        ["who", "note"],
        [['=HYPERLINK("x")', 'a, "b"']],
        preamble=["config: evil\n=1+1"],
    )
    lines = text.split("\r\n")
    assert lines[0] == "# config: evil =1+1"
    rows = list(csv.reader(io.StringIO("\r\n".join(lines[1:]))))
    assert rows[:2] == [["who", "note"], ['\'=HYPERLINK("x")', 'a, "b"']]
