"""The API's orjson renderer writes what DRF's JSON renderer wrote, faster."""

from __future__ import annotations

import datetime
import decimal
import json
import zoneinfo

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.renderers import OrjsonRenderer

DATA = {
    "title": gettext_lazy("Not found"),
    "when": datetime.datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=datetime.UTC),
    "local": datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=zoneinfo.ZoneInfo("America/Panama")),
    "day": datetime.date(2026, 3, 4),
    "amount": decimal.Decimal("1.50"),
    "text": "Año, acción — ✓",
    "nested": [{"n": 1, "none": None, "yes": True}],
}


def test_it_decodes_to_what_drf_wrote():
    ours = OrjsonRenderer().render(DATA)
    assert json.loads(ours) == json.loads(JSONRenderer().render(DATA))
    assert b'"when":"2026-03-04T05:06:07.000890Z"' in ours
    assert "Año, acción — ✓".encode() in ours  # UTF-8, not \\u escapes


def test_an_indent_asked_for_is_honoured():
    pretty = OrjsonRenderer().render({"a": 1}, "application/json; indent=2")
    assert pretty == b'{\n  "a": 1\n}'


def test_the_api_answers_through_it(api, rcm_data):
    response = api("observer").get("/api/v1/countries/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, OrjsonRenderer)
