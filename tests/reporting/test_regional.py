"""Regional actions: the secretariat follows a commitment addressed to the Conference as a whole."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.figures import build_dashboard
from reporting.models import Implementation
from reporting.services import report_update

pytestmark = pytest.mark.django_db


def test_the_secretariat_follows_and_reports_a_regional_action(login_as, small, secretariat, official_mex):
    commitment = small.commitments.get(number=3)
    client = login_as("secretariat")
    response = client.post(reverse("reporting:commitment-regional", args=[commitment.pk]))
    assert response.status_code == 302
    regional = Implementation.objects.get(commitment=commitment, country__is_regional=True)
    report_update(
        implementation=regional, by=secretariat, status="in_progress", progress=30, summary="Regional roadmap"
    )
    with pytest.raises(Exception, match="official"):
        report_update(implementation=regional, by=official_mex, status="planned", progress=0, summary="x")
    assert regional.country.iso3 == "RCM"
    assert "RCM" not in [c.iso3 for c in build_dashboard(declarations=[small]).blocks[0].countries]
    assert (
        login_as("official_mex").post(reverse("reporting:commitment-regional", args=[commitment.pk])).status_code == 403
    )
    detail = client.get(reverse("declarations:declaration-detail", args=[small.pk])).content.decode()
    assert "Regional follow-up" in detail
