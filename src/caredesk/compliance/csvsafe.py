"""CSV cells a spreadsheet will not run: formulas are neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# A cell starting with one of these is read as a formula (or starts one after a tab/return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header and each row as one CSV line (RFC 4180 quoting), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Sequence[object]) -> str:
        writer.writerow([safe_cell(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(header)
    for row in rows:
        yield line(row)
