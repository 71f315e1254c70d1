from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import Implementation, Status

pytestmark = pytest.mark.django_db

ROLES = ["official_mex", "official_gtm", "secretariat", "observer"]


@pytest.mark.parametrize("who", ROLES)
def test_every_role_reads_every_country_by_default(login_as, who):
    client = login_as(who)
    assert client.get(reverse("reporting:country-list")).status_code == 200
    assert client.get(reverse("reporting:country-detail", args=["MEX"])).status_code == 200
    assert client.get(reverse("reporting:country-detail", args=["GTM"])).status_code == 200


def test_anonymous_is_sent_to_login(client: Client, rcm_data):
    response = client.get(reverse("reporting:country-detail", args=["MEX"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "iso3", "expected"),
    [
        ("official_gtm", "MEX", 404),  # confined officials may not even learn what another country reported
        ("official_gtm", "GTM", 200),
        ("official_mex", "MEX", 200),
        ("secretariat", "MEX", 200),
        ("observer", "GTM", 200),
    ],
)
def test_setting_can_confine_officials_to_their_country(login_as, settings, who, iso3, expected):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    assert login_as(who).get(reverse("reporting:country-detail", args=[iso3])).status_code == expected


def test_confined_official_sees_only_their_country_in_the_list(login_as, settings):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    html = login_as("official_gtm").get(reverse("reporting:country-list")).content.decode()
    assert "Guatemala" in html
    assert "Mexico" not in html


def test_unknown_country_is_404(login_as):
    assert login_as("observer").get(reverse("reporting:country-detail", args=["XYZ"])).status_code == 404


def test_country_page_lists_its_28_implementations_grouped_by_declaration(login_as):
    response = login_as("observer").get(reverse("reporting:country-detail", args=["MEX"]))
    assert len(response.context["implementations"]) == 28
    html = response.content.decode()
    assert "Darien Declaration" in html and "Global Compact" in html
    assert html.count("Not reported") >= 28


def test_nicaragua_follows_only_the_global_compact(login_as):
    response = login_as("observer").get(reverse("reporting:country-detail", args=["nic"]))
    assert len(response.context["implementations"]) == 18


def test_country_page_filters_by_status_declaration_and_text(login_as, darien):
    mex = Implementation.objects.filter(country__iso3="MEX", commitment__declaration=darien)
    mex.filter(commitment__number=3).update(status=Status.IN_PROGRESS, progress=40, version=1)
    client = login_as("secretariat")  # observers read the validated state: tests/reporting/test_observer.py
    url = reverse("reporting:country-detail", args=["MEX"])

    in_progress = client.get(url, {"status": "in_progress"}).context["implementations"]
    assert [i.commitment.number for i in in_progress] == [3]
    assert len(client.get(url, {"declaration": darien.pk}).context["implementations"]) == 10
    found = client.get(url, {"search": "Darien region"}).context["implementations"]
    assert [i.commitment.number for i in found] == [5]


def test_a_forged_country_filter_does_not_widen_the_page(login_as):
    response = login_as("observer").get(reverse("reporting:country-detail", args=["MEX"]), {"country": "GTM"})
    assert {i.country_id for i in response.context["implementations"]} == {response.context["country"].pk}


def test_an_unknown_filter_value_is_a_clear_400_not_an_empty_list(login_as):
    response = login_as("observer").get(reverse("reporting:country-detail", args=["MEX"]), {"status": "finished"})
    assert response.status_code == 400
    assert "Some filters were not understood" in response.content.decode()


def test_country_pages_cost_a_constant_number_of_queries(login_as, django_assert_num_queries):
    client = login_as("official_mex")
    # session, user with country, then the page: countries | country, rows, the declarations' and the
    # commitments' translations, round, declarations and their translations (the filter's menu), and
    # "x of y reported this round"
    with django_assert_num_queries(4):
        client.get(reverse("reporting:country-list"))
    for iso3 in ("MEX", "NIC"):
        with django_assert_num_queries(11):
            client.get(reverse("reporting:country-detail", args=[iso3]))
