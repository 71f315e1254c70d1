"""Dashboard figures against hand-computed expectations, rounds, reminders, public summary, regional actions."""

from __future__ import annotations

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.dashboard import build_dashboard
from commitments.models import Implementation, ReminderLog, ReportingRound, StatusUpdate
from commitments.selectors import round_progress
from commitments.services import report_update, review_update, round_close, round_open
from declarations.models import Declaration
from declarations.parser import parse_declaration
from declarations.services import declaration_load

pytestmark = pytest.mark.django_db

SMALL = """SMALL DECLARATION OF TESTING

Guatemala City, 14 June 2019

The Vice-Ministers of Guatemala and Mexico agreed:

1. First action.
2. Second action.
3. Third action, addressed to the Conference as a whole.
"""


@pytest.fixture
def small(rcm_data) -> Declaration:
    return declaration_load(parsed=parse_declaration(SMALL), source_text=SMALL).declaration


def implementation(declaration: Declaration, number: int, iso3: str) -> Implementation:
    return Implementation.objects.get(
        commitment__declaration=declaration, commitment__number=number, country__iso3=iso3
    )


@pytest.fixture
def reported(small, official_mex, official_gtm):
    """MEX: 1 completed, 2 in progress 50%, 3 not reported. GTM: 1 ongoing, 2 not started, 3 stale planned 20%."""
    report_update(
        implementation=implementation(small, 1, "MEX"), by=official_mex, status="completed", progress=None, summary="a"
    )
    report_update(
        implementation=implementation(small, 2, "MEX"), by=official_mex, status="in_progress", progress=50, summary="b"
    )
    report_update(
        implementation=implementation(small, 1, "GTM"), by=official_gtm, status="ongoing", progress=None, summary="c"
    )
    report_update(
        implementation=implementation(small, 2, "GTM"),
        by=official_gtm,
        status="not_started",
        progress=None,
        summary="d",
    )
    old = report_update(
        implementation=implementation(small, 3, "GTM"), by=official_gtm, status="planned", progress=20, summary="e"
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    StatusUpdate.objects.filter(pk=old.pk).update(reported_at=long_ago)
    Implementation.objects.filter(pk=old.implementation_id).update(last_reported_at=long_ago)
    return small


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
    for who in ["official_mex", "official_gtm", "secretariat", "observer"]:
        response = login_as(who).get(reverse("commitments:dashboard"), {"declaration": reported.pk})
        assert response.status_code == 200
    html = response.content.decode()
    assert "Small Declaration of Testing" in html
    assert '<svg class="chart" role="img"' in html
    assert "33%" in html


def test_the_officials_country_is_highlighted(login_as, reported):
    html = login_as("official_mex").get(reverse("commitments:dashboard"), {"declaration": reported.pk}).content.decode()
    assert 'class="own"' in html


def test_matrix_cells_link_each_implementation_and_say_their_state(login_as, reported):
    html = login_as("official_mex").get(reverse("commitments:dashboard"), {"declaration": reported.pk}).content.decode()
    cells = re.findall(r'<td class="cell[^"]*">.*?</td>', html, re.S)
    assert len(cells) == 6
    mex_completed = reverse("commitments:implementation-detail", args=[implementation(reported, 1, "MEX").pk])
    assert any(f'href="{mex_completed}"' in cell and "status-completed" in cell for cell in cells)
    mex_silent = reverse("commitments:implementation-detail", args=[implementation(reported, 3, "MEX").pk])
    (silent,) = [cell for cell in cells if f'href="{mex_silent}"' in cell]
    assert silent.startswith('<td class="cell not-reported own">')
    assert '<span class="visually-hidden">Not reported</span>' in silent
    (stale,) = [cell for cell in cells if "cell-flag" in cell]
    assert stale.startswith('<td class="cell stale">') and '<span class="muted">20%</span>' in stale
    assert sum(' own"' in cell for cell in cells) == 3  # Mexico's column, for Mexico's official


def test_the_cell_url_shortcut_is_reverse(rcm_data):
    from commitments.templatetags.matrix import implementation_url

    url = implementation_url()
    for pk in (1, 10, 100, 2050, 999999):
        assert url(pk) == reverse("commitments:implementation-detail", args=[pk])


def test_unknown_filters_are_400(login_as, rcm_data):
    response = login_as("observer").get(reverse("commitments:dashboard"), {"declaration": "999999", "status": "x"})
    assert response.status_code == 400


def test_anonymous_cannot_see_the_dashboard(client, rcm_data):
    assert client.get(reverse("commitments:dashboard"))["Location"].startswith(reverse("login"))


def test_dashboard_queries_do_not_grow_with_the_data(login_as, reported, django_assert_num_queries, darien):
    client = login_as("observer")
    url = reverse("commitments:dashboard")
    # session, user, chosen declaration and its translations, its commitments and their translations,
    # the implementation rows, their countries, pending count, unread notifications, then the
    # filter menus (declarations with their translations, countries, rounds)
    with django_assert_num_queries(14):
        client.get(url, {"declaration": reported.pk})
    with django_assert_num_queries(14):
        client.get(url, {"declaration": darien.pk})


def test_exports_have_a_sheet_per_declaration(login_as, reported, darien):
    client = login_as("secretariat")
    response = client.get(reverse("commitments:dashboard"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "Summary"
    assert len(workbook.sheetnames) == 1 + Declaration.objects.count()
    small_sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("Small"))
    rows = list(small_sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("No.", "Recommended action", "GTM", "MEX")
    assert rows[2][2:4] == ("Ongoing", "Completed")
    csv_response = client.get(reverse("commitments:dashboard"), {"declaration": reported.pk, "format": "csv"})
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert table[0] == ["Small Declaration of Testing"]
    assert table[2][2:4] == ["Ongoing", "Completed"]


# --- rounds ---------------------------------------------------------------------------------------


def test_round_figures_and_freezing(reported, secretariat, official_mex):
    today = timezone.localdate()
    reporting_round = round_open(
        name="2026 S2",
        starts_on=today - datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=30),
        declarations=[reported],
        by=secretariat,
    )
    report_update(
        implementation=implementation(reported, 3, "MEX"), by=official_mex, status="planned", progress=0, summary="f"
    )
    progress = {row.iso3: row for row in round_progress(reporting_round)}
    assert (progress["MEX"].in_scope, progress["MEX"].reported) == (3, 1)
    assert (progress["GTM"].in_scope, progress["GTM"].reported) == (3, 0)

    round_close(reporting_round=reporting_round, by=secretariat)
    # After closing, new reports and a new implementation change nothing in the round's figures.
    report_update(
        implementation=implementation(reported, 1, "MEX"), by=official_mex, status="ongoing", progress=None, summary="g"
    )
    frozen = {row.iso3: row for row in round_progress(ReportingRound.objects.get(pk=reporting_round.pk))}
    assert (frozen["MEX"].in_scope, frozen["MEX"].reported) == (3, 1)


def test_one_round_open_at_a_time(secretariat, rcm_data):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    round_open(name="A", starts_on=today, due_on=today, declarations=[], by=secretariat)
    with pytest.raises(ValidationError, match="before opening another"):
        round_open(name="B", starts_on=today, due_on=today, declarations=[], by=secretariat)


@pytest.mark.parametrize(("who", "expected"), [("secretariat", 302), ("official_mex", 403), ("observer", 403)])
def test_opening_a_round_over_http(login_as, rcm_data, who, expected):
    response = login_as(who).post(
        reverse("commitments:round-list"), {"name": "2027 S1", "starts_on": "2027-01-01", "due_on": "2027-06-30"}
    )
    assert response.status_code == expected
    assert ReportingRound.objects.filter(name="2027 S1").exists() == (expected == 302)


def test_a_bad_round_form_says_why(login_as, rcm_data):
    response = login_as("secretariat").post(
        reverse("commitments:round-list"), {"name": "", "starts_on": "2027-06-01", "due_on": "2027-01-01"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ReportingRound.objects.exists()


@pytest.mark.parametrize(("who", "expected"), [("secretariat", 302), ("official_mex", 403), ("observer", 403)])
def test_closing_a_round_over_http(login_as, rcm_data, who, expected):
    today = timezone.localdate()
    reporting_round = ReportingRound.objects.create(name="R", starts_on=today, due_on=today)
    response = login_as(who).post(reverse("commitments:round-close", args=[reporting_round.pk]))
    assert response.status_code == expected
    reporting_round.refresh_from_db()
    assert (reporting_round.closed_at is not None) == (expected == 302)


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_to_countries_with_open_items(reported, secretariat, official_mex, official_gtm):
    official_mex.email = "ana@sre.gob.mx"
    official_mex.save()
    official_gtm.email = ""  # no address: nobody to remind, nothing logged
    official_gtm.save()
    due = datetime.date(2026, 12, 15)
    ReportingRound.objects.create(name="R1", starts_on=datetime.date(2026, 1, 1), due_on=due).declarations.set(
        [reported]
    )

    call_command("send_reminders", "--today", "2026-12-01", stdout=io.StringIO())
    assert mail.outbox == []  # more than a week before the due date
    call_command("send_reminders", "--today", "2026-12-08", stdout=io.StringIO())
    call_command("send_reminders", "--today", "2026-12-08", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@sre.gob.mx"]
    assert "due on 15 December 2026" in message.body
    assert message.body.count("Small Declaration of Testing, action") == 3
    assert "/implementations/" in message.body
    call_command("send_reminders", "--today", "2026-12-22", stdout=io.StringIO())
    call_command("send_reminders", "--today", "2026-12-23", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert "(overdue)" in mail.outbox[1].subject
    assert ReminderLog.objects.count() == 2


def test_reminders_with_a_bad_date_fail_clearly(rcm_data):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "tomorrow")


# --- public summary, regional actions -------------------------------------------------------------


def test_public_summary_is_off_by_default(client, rcm_data):
    assert client.get(reverse("commitments:public-summary")).status_code == 404


def test_public_summary_counts_accepted_reports_only(client, settings, reported, secretariat):
    settings.RCM_PUBLIC_SUMMARY = True
    accepted = StatusUpdate.objects.get(implementation=implementation(reported, 1, "MEX"))
    review_update(update=accepted, by=secretariat, decision="accepted")
    returned = StatusUpdate.objects.get(implementation=implementation(reported, 2, "MEX"))
    review_update(update=returned, by=secretariat, decision="returned", comment="Internal remark XYZ")
    html = client.get(reverse("commitments:public-summary")).content.decode()
    assert "Internal remark XYZ" not in html
    assert "/evidence/" not in html
    block = html[html.index("Small Declaration of Testing") :]
    row_start = block.index("Mexico")
    mexico_row = block[row_start : block.index("</tr>", row_start)]
    cells = [cell.split("<")[0] for cell in mexico_row.split('<td class="num">')[1:]]
    # not reported, not started, planned, in progress, completed, ongoing, not applicable
    assert cells == ["2", "0", "0", "0", "1", "0", "0"]


def test_the_secretariat_follows_and_reports_a_regional_action(login_as, small, secretariat, official_mex):
    commitment = small.commitments.get(number=3)
    client = login_as("secretariat")
    response = client.post(reverse("commitments:commitment-regional", args=[commitment.pk]))
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
        login_as("official_mex").post(reverse("commitments:commitment-regional", args=[commitment.pk])).status_code
        == 403
    )
    detail = client.get(reverse("declarations:declaration-detail", args=[small.pk])).content.decode()
    assert "Regional follow-up" in detail
