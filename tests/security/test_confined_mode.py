"""Finding 5: with RCM_OFFICIALS_SEE_ALL_COUNTRIES=0 the dashboard, its exports and a round's page showed
other countries' figures and links."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from reporting.models import ReportingRound
from reporting.services import report_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def gtm_report(darien, official_gtm):
    from reporting.models import Implementation

    implementation = Implementation.objects.get(
        commitment__declaration=darien, commitment__number=1, country__iso3="GTM"
    )
    return report_update(
        implementation=implementation, by=official_gtm, status="completed", progress=None, summary="Done in GTM."
    )


def test_a_confined_official_sees_no_other_country_anywhere(settings, login_as, official_mex, gtm_report):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    today = datetime.date.today()
    reporting_round = ReportingRound.objects.create(
        name="2026 S2", starts_on=today - datetime.timedelta(days=1), due_on=today + datetime.timedelta(days=30)
    )
    client = login_as("official_mex")
    dashboard = reverse("dashboards:dashboard")

    # Asking for Guatemala by name: not found, as every other page answers for another country.
    assert client.get(dashboard, {"country": "GTM"}).status_code == 404
    assert client.get(dashboard, {"country": "GTM", "format": "csv"}).status_code == 404
    assert client.get(dashboard, {"country": "GTM", "format": "xlsx"}).status_code == 404

    # Without a country: only Mexico's figures, links and columns.
    page = client.get(dashboard, {"round": reporting_round.pk}).content.decode()
    assert reverse("reporting:country-detail", args=["MEX"]) in page
    assert reverse("reporting:country-detail", args=["GTM"]) not in page
    assert ">GTM</abbr>" not in page
    assert '<th scope="row">Guatemala</th>' not in page  # the round's progress table
    csv_text = client.get(dashboard, {"format": "csv"}).content.decode()
    assert "Guatemala" not in csv_text and "GTM" not in csv_text
    assert "Mexico" in csv_text or "México" in csv_text
    response = client.get(dashboard, {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = {str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert not any("Guatemala" in cell or cell == "GTM" for cell in cells)

    # A round's page: Mexico's progress only.
    round_page = client.get(reverse("rounds:round-detail", args=[reporting_round.pk])).content.decode()
    assert '<th scope="row">Guatemala</th>' not in round_page
    assert "Mexico" in round_page or "México" in round_page
