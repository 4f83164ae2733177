"""CSV exports never hand a spreadsheet a formula (CSV injection)."""

import csv
import io
from decimal import Decimal

import pytest

from frontdesk.core.spreadsheets import FORMULA_STARTS, csv_response, safe_cell

DANGEROUS = ["=1+2", "+86 cmd", "-2+3", "@SUM(A1)", "\t=1+2", "\r=1+2"]


def starts_like_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_starting_like_a_formula_is_written_as_text(text):
    """Text starting with =, +, -, @, tab or CR is prefixed with an apostrophe, kept whole."""
    assert safe_cell(text) == "'" + text


def test_ordinary_cells_and_numbers_are_written_as_they_are():
    """Plain text, a unit code, numbers (a negative amount too) and empty values are unchanged."""
    assert safe_cell("3-1502") == "3-1502"
    assert safe_cell("王建国") == "王建国"
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""


def test_the_shared_writer_neutralizes_every_cell_of_a_row():
    """Every column goes through the guard, not only one chosen field."""
    response, writer = csv_response("x.csv")
    writer.writerow(DANGEROUS)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["'" + text for text in DANGEROUS]]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
