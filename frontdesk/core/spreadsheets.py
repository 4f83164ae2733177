"""CSV files the desk downloads and opens in a spreadsheet (Excel, WPS).

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide such a start. A
building numbered ``=1+2`` or a resident named ``@SUM(…)`` would then run as a
formula on the clerk's computer (CSV injection). Every CSV export writes its
rows through `csv_response` / `CsvWriter`, which prefix such a text cell with
an apostrophe: the spreadsheet shows the text as typed. Numbers are written
as they are (a negative amount stays a number).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

# The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, CsvWriter]:
    """A CSV download (UTF-8 with the mark Excel needs) and the writer of its rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = get_valid_filename(filename) or "export.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response.write("\ufeff")
    return response, CsvWriter(response)


class _Echo:
    """A file-like object whose `write` hands back what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A CSV download written row by row as the rows are read: a long register starts at
    once and never sits whole in memory. Cells are neutralized as in `csv_response`."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([safe_cell(value) for value in header])
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = get_valid_filename(filename) or "export.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
