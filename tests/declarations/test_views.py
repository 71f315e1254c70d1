from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from declarations.models import Declaration

pytestmark = pytest.mark.django_db

ROLES = ["official_mex", "official_gtm", "secretariat", "observer"]


def page_urls(declaration: Declaration) -> list[str]:
    return [
        reverse("declarations:declaration-list"),
        reverse("declarations:declaration-detail", args=[declaration.pk]),
        reverse("declarations:declaration-text", args=[declaration.pk]),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_every_signed_in_role_reads_the_declaration_pages(login_as, who, darien):
    client = login_as(who)
    for url in page_urls(darien):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_the_login_page(client: Client, darien):
    for url in page_urls(darien):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_declaration_is_404(login_as):
    assert login_as("observer").get(reverse("declarations:declaration-detail", args=[999999])).status_code == 404


def test_list_shows_both_seeds_with_counts(login_as, darien, global_compact):
    html = login_as("observer").get(reverse("declarations:declaration-list")).content.decode()
    assert "Darien Declaration" in html
    assert "Global Compact" in html
    assert "25 March 2022" in html
    assert "Not stated" in html  # the Global Compact text gives no date: none is invented


def test_detail_lists_signatories_in_text_order_and_numbered_commitments(login_as, darien):
    response = login_as("official_mex").get(reverse("declarations:declaration-detail", args=[darien.pk]))
    html = response.content.decode()
    positions = [html.index(f">{code}</abbr>") for code in ["BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "PAN", "USA"]]
    assert positions == sorted(positions)
    assert ">NIC</abbr>" not in html  # Nicaragua did not sign the Darien Declaration
    assert html.count('<li value="') == 10
    assert 'id="commitment-5"' in html
    assert f"/declarations/{darien.pk}/text/#commitment-5" in html


def test_full_text_anchors_each_commitment_at_its_paragraph(login_as, darien):
    response = login_as("observer").get(reverse("declarations:declaration-text", args=[darien.pk]))
    html = response.content.decode()
    for number in range(1, 11):
        assert f'id="commitment-{number}"' in html
    anchor = html.index('id="commitment-5"')
    assert html.index("Carrying out campaigns", anchor) - anchor < 600
    assert "Thanking RCM observer organizations" in html  # the whole text, not only the actions


def test_pages_cost_a_constant_number_of_queries(login_as, darien, global_compact, django_assert_num_queries):
    client = login_as("observer")
    # session + user, then the page's own queries (declarations, their translations); the same whatever the rows.
    with django_assert_num_queries(5):
        client.get(reverse("declarations:declaration-list"))
    for declaration in (darien, global_compact):
        # …declaration, signatories, commitments, regional follow-ups, translations of each
        with django_assert_num_queries(9):
            client.get(reverse("declarations:declaration-detail", args=[declaration.pk]))
        with django_assert_num_queries(8):
            client.get(reverse("declarations:declaration-text", args=[declaration.pk]))
