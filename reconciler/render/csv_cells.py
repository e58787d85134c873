"""CSV for spreadsheets, safely: cells that a spreadsheet would run as a formula are neutralised.

A cell beginning with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is prefixed with `'`, which spreadsheets show
as text (OWASP's advice for CSV injection). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str | int) -> str | int:
    """`cell`, made inert when a spreadsheet would take it for a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(
    columns: Sequence[str], rows: Iterable[Sequence[str | int]], *, preamble: Iterable[str] = ()
) -> str:
    """CSV text: `preamble` lines first (each `# `-prefixed), then the column row and the rows,
    every cell neutralised; lines end with \\r\\n as RFC 4180 says."""
    out = io.StringIO()
    for line in preamble:
        out.write("# " + " ".join(line.splitlines()) + "\r\n")  # one line, whatever it holds
    writer = csv.writer(out)
    writer.writerow([neutralise(c) for c in columns])
    writer.writerows([neutralise(c) for c in row] for row in rows)
    return out.getvalue()
