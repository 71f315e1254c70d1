"""Files for people follow the request language; what comes back is read in either language.

The dashboard exports and the country spreadsheet are for people: headers, sheet names and status
labels are in the language of the request. ISO3 codes and ids stay as they are. (The API's CSV/XLSX
keep the API's keys: see test_api_language.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reporting.models import Implementation


def get_file(client: Client, url: str, language: str) -> bytes:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def test_the_dashboard_csv_in_spanish(login_as: Callable[[str], Client], rcm_data: None) -> None:
    content = get_file(login_as("observer"), reverse("dashboards:dashboard") + "?format=csv", "es")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert (
        rows[1][:2] == ["N.º", "Acción recomendada"]
        and "MEX" in rows[1]
        and rows[1][-2:]
        == [
            "Cumplimiento",
            "Avance promedio",
        ]
    )
    assert rows[2][2:4] == ["Sin informe", "Sin informe"]
    assert ["Resumen por país"] in rows
    english = get_file(login_as("observer"), reverse("dashboards:dashboard") + "?format=csv", "en")
    assert "Recommended action" in english.decode() and "Acción recomendada" not in english.decode()


def test_the_dashboard_workbook_names_its_summary_sheet_in_spanish(
    login_as: Callable[[str], Client], rcm_data: None
) -> None:
    content = get_file(login_as("observer"), reverse("dashboards:dashboard") + "?format=xlsx", "es")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == "Resumen"
    assert [cell.value for cell in workbook["Resumen"][1]][:3] == ["País", "Sin informe", "No iniciada"]


def test_a_spreadsheet_downloaded_in_spanish_is_read_back_whoever_uploads_it(
    login_as: Callable[[str], Client], mex_implementation: Implementation, secretariat: Any
) -> None:
    official = login_as("official_mex")
    url = reverse("spreadsheets:spreadsheet-xlsx", args=["MEX"])
    workbook = load_workbook(io.BytesIO(get_file(official, url, "es")))
    sheet = workbook.active
    assert sheet.title == "Informe" and workbook.sheetnames == ["Informe", "Cómo completarla"]
    header = [cell.value for cell in sheet[1]]
    assert header[1:6] == ["Declaración", "Número", "Compromiso", "Estado", "Avance (%)"]
    statuses = next(dv for dv in sheet.data_validations.dataValidation if dv.type == "list")
    assert statuses.formula1 == '"No iniciada,Planificada,En curso,Completada,Continua,No aplica"'

    for row in sheet.iter_rows(min_row=2):
        if row[0].value == mex_implementation.pk:
            row[header.index("Estado")].value = "En curso"
            row[header.index("Avance (%)")].value = 30
            row[header.index("Resumen de lo realizado (para el nuevo informe)")].value = "Taller realizado."
    buffer = io.BytesIO()
    workbook.save(buffer)

    # The secretariat, reading English, uploads the Spanish file on Mexico's behalf.
    secretariat_client = Client()
    secretariat_client.force_login(secretariat)
    file = SimpleUploadedFile("informe.xlsx", buffer.getvalue())
    preview = secretariat_client.post(
        reverse("spreadsheets:import-upload"), {"country": "MEX", "file": file}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert preview.status_code == 200
    assert len(preview.context["preview"].changes) == 1 and preview.context["preview"].errors == []
    secretariat_client.post(reverse("spreadsheets:import-confirm"), {"payload": preview.context["payload"]})
    mex_implementation.refresh_from_db()
    assert (mex_implementation.status, mex_implementation.progress) == ("in_progress", 30)
