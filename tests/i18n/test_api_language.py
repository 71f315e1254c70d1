"""API messages follow Accept-Language; codes, keys and ISO3 never change."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from reporting.models import Implementation
from reporting.services import report_update

IMPLEMENTATIONS = "/api/v1/implementations/"


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("en", "Invalid input", "Some filter values were not understood."),
        ("es", "Datos no válidos", "Algunos valores de filtro no se entendieron."),
    ],
)
def test_an_error_is_in_the_requested_language_with_the_same_shape(
    api: Callable[[str], Any], language: str, title: str, detail: str
) -> None:
    response = api("observer").get(IMPLEMENTATIONS, {"status": "finished"}, HTTP_ACCEPT_LANGUAGE=language)
    body = response.json()
    assert response.status_code == 400
    assert (body["status"], body["title"], body["detail"]) == (400, title, detail)
    assert list(body["errors"]) == ["status"]  # field names stay the API's keys


def test_authentication_and_permission_errors_are_translated_too(
    api: Callable[[str], Any], mex_implementation: Implementation
) -> None:
    anonymous = api("anonymous").get(IMPLEMENTATIONS, HTTP_ACCEPT_LANGUAGE="es").json()
    assert anonymous["status"] == 401 and anonymous["title"] == "Se requiere autenticación"
    url = f"{IMPLEMENTATIONS}{mex_implementation.pk}/updates/"
    payload = {"status": "planned", "summary": "Plan."}
    forbidden = api("official_gtm").post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="es").json()
    assert forbidden == {
        "type": "tag:rcm-tracker,2026:problem:not-allowed",
        "status": 403,
        "title": "No permitido",
        "detail": "Solo un funcionario de este país puede informar sobre ella.",
    }


def test_a_service_validation_message_is_translated(
    api: Callable[[str], Any], mex_implementation: Implementation
) -> None:
    url = f"{IMPLEMENTATIONS}{mex_implementation.pk}/updates/"
    response = api("official_mex").post(
        url,
        {"status": "completed", "progress": 50, "summary": "Listo."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["progress"] == [
        "Una acción completada está al 100 %: deje el avance vacío o ingrese 100."
    ]


def test_codes_stay_codes_in_spanish(
    api: Callable[[str], Any], mex_implementation: Implementation, official_mex: User
) -> None:
    report_update(implementation=mex_implementation, by=official_mex, status="in_progress", progress=30, summary="A.")
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    row = client.get(f"{IMPLEMENTATIONS}{mex_implementation.pk}/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert (row["status"], row["country"], row["review_state"]) == ("in_progress", "MEX", "pending")

    exported = client.get(IMPLEMENTATIONS, {"country": "MEX", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="es")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8"))))
    mine = next(r for r in rows if r["id"] == str(mex_implementation.pk))
    # Machine-read: the header keys and the codes as in JSON; only the human label follows the language.
    assert (mine["status"], mine["country"], mine["status_label"]) == ("in_progress", "MEX", "En curso")


def test_an_unknown_api_path_answers_in_the_requested_language(api: Callable[[str], Any]) -> None:
    body = api("observer").get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert body == {
        "type": "tag:rcm-tracker,2026:problem:not-found",
        "status": 404,
        "title": "No encontrado",
        "detail": "No hay ningún punto de acceso de la API en /api/v1/nothing-here/.",
    }
