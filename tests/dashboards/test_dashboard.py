"""Dashboard figures against hand-computed expectations, rounds, reminders, public summary, regional actions."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from dashboards.figures import build_dashboard
from declarations.models import Declaration
from reporting.models import StatusUpdate
from reporting.services import review_update
from tests.factories import implementation

pytestmark = pytest.mark.django_db


def test_figures_match_a_hand_count(reported):
    board = build_dashboard(declarations=[reported])
    # 6 implementations; done = completed + ongoing = 2 → 33%; progress values 100, 50, 0, 20 → avg 42.5 → 42
    assert board.figures.total == 6
    assert board.figures.done == 2
    assert board.figures.completion == 33
    assert board.figures.average_progress == 42
    assert board.figures.not_reported == 1
    assert board.figures.stale == 1
    assert board.pending_reviews == 5
    per_country = {country.iso3: figures for country, figures in board.country_figures}
    assert (per_country["MEX"].completion, per_country["MEX"].average_progress) == (33, 75)
    assert (per_country["GTM"].completion, per_country["GTM"].average_progress) == (33, 10)  # 0 and 20
    (block,) = board.blocks
    assert [c.iso3 for c in block.countries] == ["GTM", "MEX"]
    first, second, third = block.rows
    assert [cell.status if cell else None for cell in first.cells] == ["ongoing", "completed"]
    assert first.figures.completion == 100
    assert second.figures.average_progress == 25
    gtm_third, mex_third = third.cells
    assert gtm_third is not None and gtm_third.stale
    assert mex_third is not None and mex_third.status == "not_reported"


def test_status_and_country_filters(reported, rcm_data):
    from declarations.models import MemberCountry

    mex = MemberCountry.objects.get(iso3="MEX")
    board = build_dashboard(declarations=[reported], countries=[mex], statuses=["in_progress"])
    assert board.figures.total == 1
    assert [c.iso3 for c in board.blocks[0].countries] == ["MEX"]


def test_the_dashboard_page_for_every_role(login_as, reported):
    for who in ["observer", "official_mex", "official_gtm", "secretariat"]:  # observers: the validated state
        response = login_as(who).get(reverse("dashboards:dashboard"), {"declaration": reported.pk})
        assert response.status_code == 200
    html = response.content.decode()
    assert "Small Declaration of Testing" in html
    assert '<svg class="chart" role="img"' in html
    assert "33%" in html


def test_the_officials_country_is_highlighted(login_as, reported):
    html = login_as("official_mex").get(reverse("dashboards:dashboard"), {"declaration": reported.pk}).content.decode()
    assert 'class="own"' in html


def test_matrix_cells_link_each_implementation_and_say_their_state(login_as, reported):
    html = login_as("official_mex").get(reverse("dashboards:dashboard"), {"declaration": reported.pk}).content.decode()
    cells = re.findall(r'<td class="cell[^"]*">.*?</td>', html, re.S)
    assert len(cells) == 6
    mex_completed = reverse("reporting:implementation-detail", args=[implementation(reported, 1, "MEX").pk])
    assert any(f'href="{mex_completed}"' in cell and "status-completed" in cell for cell in cells)
    mex_silent = reverse("reporting:implementation-detail", args=[implementation(reported, 3, "MEX").pk])
    (silent,) = [cell for cell in cells if f'href="{mex_silent}"' in cell]
    assert silent.startswith('<td class="cell not-reported own">')
    assert '<span class="visually-hidden">Not reported</span>' in silent
    (stale,) = [cell for cell in cells if 'class="cell-flag">' in cell]
    assert all("◷" in cell and "awaiting review" in cell for cell in cells if "not-reported" not in cell)
    assert stale.startswith('<td class="cell stale">') and '<span class="muted">20%</span>' in stale
    assert sum(' own"' in cell for cell in cells) == 3  # Mexico's column, for Mexico's official


def test_the_cell_url_shortcut_is_reverse(rcm_data):
    from dashboards.templatetags.matrix import implementation_url

    url = implementation_url()
    for pk in (1, 10, 100, 2050, 999999):
        assert url(pk) == reverse("reporting:implementation-detail", args=[pk])


def test_unknown_filters_are_400(login_as, rcm_data):
    response = login_as("observer").get(reverse("dashboards:dashboard"), {"declaration": "999999", "status": "x"})
    assert response.status_code == 400


def test_anonymous_cannot_see_the_dashboard(client, rcm_data):
    assert client.get(reverse("dashboards:dashboard"))["Location"].startswith(reverse("login"))


def test_dashboard_queries_do_not_grow_with_the_data(login_as, reported, django_assert_num_queries, darien):
    client = login_as("observer")
    url = reverse("dashboards:dashboard")
    # session, user, chosen declaration and its translations, its commitments and their translations,
    # the implementation rows, their countries, pending count, unread notifications, then the
    # filter menus (declarations with their translations, countries, rounds)
    with django_assert_num_queries(14):
        client.get(url, {"declaration": reported.pk})
    with django_assert_num_queries(14):
        client.get(url, {"declaration": darien.pk})


def test_exports_have_a_sheet_per_declaration(login_as, reported, darien):
    client = login_as("secretariat")
    response = client.get(reverse("dashboards:dashboard"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "Summary"
    assert len(workbook.sheetnames) == 1 + Declaration.objects.count()
    small_sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("Small"))
    rows = list(small_sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("No.", "Recommended action", "GTM", "MEX")
    assert rows[2][2:4] == ("Ongoing (awaiting review)", "Completed (awaiting review)")
    csv_response = client.get(reverse("dashboards:dashboard"), {"declaration": reported.pk, "format": "csv"})
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert table[0] == ["Small Declaration of Testing"]
    assert table[2][2:4] == ["Ongoing (awaiting review)", "Completed (awaiting review)"]


# --- public summary, regional actions -------------------------------------------------------------


def test_public_summary_is_off_by_default(client, rcm_data):
    assert client.get(reverse("dashboards:public-summary")).status_code == 404


def test_public_summary_counts_accepted_reports_only(client, settings, reported, secretariat):
    settings.RCM_PUBLIC_SUMMARY = True
    accepted = StatusUpdate.objects.get(implementation=implementation(reported, 1, "MEX"))
    review_update(update=accepted, by=secretariat, decision="accepted")
    returned = StatusUpdate.objects.get(implementation=implementation(reported, 2, "MEX"))
    review_update(update=returned, by=secretariat, decision="returned", comment="Internal remark XYZ")
    html = client.get(reverse("dashboards:public-summary")).content.decode()
    assert "Internal remark XYZ" not in html
    assert "/evidence/" not in html
    block = html[html.index("Small Declaration of Testing") :]
    row_start = block.index("Mexico")
    mexico_row = block[row_start : block.index("</tr>", row_start)]
    cells = [cell.split(">", 1)[1].split("<")[0] for cell in mexico_row.split('<td class="num"')[1:]]
    # not reported, not started, planned, in progress, completed, ongoing, not applicable
    assert cells == ["2", "0", "0", "0", "1", "0", "0"]
