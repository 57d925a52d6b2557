"""CSV exports open safely in a spreadsheet: no cell is read as a formula (issue 17, item 20)."""

import csv
import io
from decimal import Decimal

import pytest

from governance.platform.csv_export import safe_cell
from tests.factories import OrganizationFactory, UserFactory


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("https://evil.example","open")', '\'=HYPERLINK("https://evil.example","open")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("Aster", "Aster"),
        ("", ""),
        (-3, -3),
        (Decimal("-0.5000"), Decimal("-0.5000")),
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_are_written_as_text(value, written):
    assert safe_cell(value) == written


def test_register_csv_neutralises_formulas_in_names(world, api):
    evil = OrganizationFactory(name="+Evil Labs")
    dev = UserFactory(username="dev-evil", roles=["developer"], organization=evil)
    world.register('=HYPERLINK("https://evil.example","open")', developer=evil, by=dev, version="@1")
    world.register("-minus", developer=evil, by=dev, version="1.0")
    body = b"".join(api().get("/api/v1/register.csv").streaming_content).decode()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(body))}
    assert set(rows) == {'\'=HYPERLINK("https://evil.example","open")', "'-minus"}
    row = rows['\'=HYPERLINK("https://evil.example","open")']
    assert (row["developer"], row["version"], row["current_tier"]) == ("'+Evil Labs", "'@1", "2")
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in csv.reader(io.StringIO(body)) for cell in line)
