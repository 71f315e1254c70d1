"""The secretariat adds or corrects a declaration from the web: upload, check the preview, confirm."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from declarations.forms import TAMPERED_TEXT
from declarations.models import Commitment, Declaration, Signatory
from declarations.parser import parse_declaration
from declarations.parser.files import MAX_FILE_BYTES
from declarations.services import declaration_load, declaration_preview
from reporting.models import Implementation, StatusUpdate
from reporting.services import report_update
from tests.conftest import PDF_BYTES, ROOT
from tests.declarations.parsing.pdfs import encrypt_pdf, make_pdf

pytestmark = pytest.mark.django_db

UPLOAD = reverse("declarations:declaration-upload")
CONFIRM = reverse("declarations:declaration-upload-confirm")
DARIEN_TEXT = (ROOT / "fixtures" / "declarations" / "2022-darien-declaration.txt").read_text(encoding="utf-8")

ANTIGUA = """REGIONAL CONFERENCE ON MIGRATION
DECLARATION OF ANTIGUA GUATEMALA

Antigua Guatemala, November 14, 2019

The Vice-Ministers of Guatemala, Mexico and Costa Rica, meeting in Antigua Guatemala, agreed to
recommend the following actions:

1. Strengthen the exchange of information on migrant smuggling networks.
2. Develop a regional protocol for the return of unaccompanied children.
3. Hold a workshop on labour migration with the private sector.
"""
ANTIGUA_ACTIONS = [
    "Strengthen the exchange of information on migrant smuggling networks.",
    "Develop a regional protocol for the return of unaccompanied children.",
    "Hold a workshop on labour migration with the private sector.",
]
MODELS = (Declaration, Commitment, Implementation, Signatory, AuditEntry, StatusUpdate)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def text_file(content: str | bytes, name: str = "antigua.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def docx_file(build: Callable[[Any], None], name: str = "antigua.docx") -> SimpleUploadedFile:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def posted_back(preview: Any, **changes: Any) -> dict[str, Any]:
    """What the browser sends back from a preview page, with `changes` made to its fields."""
    commitments = preview.context["commitments"]
    data: dict[str, Any] = {}
    for form in (preview.context["source"], preview.context["review"], commitments.management_form, *commitments):
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.fixture
def secretariat_client(secretariat) -> Client:
    client = Client()
    client.force_login(secretariat)
    return client


@pytest.fixture
def antigua_preview(secretariat_client):
    response = secretariat_client.post(UPLOAD, {"file": text_file(ANTIGUA)})
    assert response.status_code == 200
    return response


def report_on(declaration: Declaration, number: int, user) -> StatusUpdate:
    implementation = Implementation.objects.get(
        commitment__declaration=declaration, commitment__number=number, country=user.country
    )
    return report_update(
        implementation=implementation, by=user, status="in_progress", progress=30, summary="Two meetings held."
    )


def darien_with(old: str, new: str) -> str:
    assert old in DARIEN_TEXT
    return DARIEN_TEXT.replace(old, new)


# --------------------------------------------------------------------------------------------
# Who may
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 200), ("official_mex", 403), ("official_gtm", 403), ("observer", 403), ("anonymous", 302)],
)
def test_upload_page(login_as, rcm_data, who, expected):
    response = login_as(who).get(UPLOAD)
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 200), ("official_mex", 403), ("official_gtm", 403), ("observer", 403), ("anonymous", 302)],
)
def test_upload_post(login_as, rcm_data, who, expected):
    client = login_as(who)  # signing in is audited: count after it
    before = row_counts()
    response = client.post(UPLOAD, {"file": text_file(ANTIGUA)})
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert row_counts() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 302), ("official_mex", 403), ("official_gtm", 403), ("observer", 403), ("anonymous", 302)],
)
def test_confirm(login_as, antigua_preview, who, expected):
    client = login_as(who)
    before = row_counts()
    response = client.post(CONFIRM, posted_back(antigua_preview))
    assert response.status_code == expected
    if who == "secretariat":
        assert Declaration.objects.filter(title="Declaration of Antigua Guatemala").exists()
    else:
        assert row_counts() == before
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_confirm_is_post_only(secretariat_client):
    # A GET (a reload after a refused confirm) goes back to the upload page (post/redirect/get, #18).
    assert secretariat_client.get(CONFIRM).url == reverse("declarations:declaration-upload")


@pytest.mark.parametrize(("who", "shown"), [("secretariat", True), ("official_mex", False), ("observer", False)])
def test_only_the_secretariat_sees_the_add_link(login_as, rcm_data, who, shown):
    html = login_as(who).get(reverse("declarations:declaration-list")).content.decode()
    assert (f'href="{UPLOAD}"' in html) is shown


# --------------------------------------------------------------------------------------------
# Upload → preview, writing nothing
# --------------------------------------------------------------------------------------------


def assert_antigua_preview(response) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Declaration of Antigua Guatemala"' in html
    assert 'value="2019-11-14"' in html
    assert 'value="Antigua Guatemala"' in html
    assert 'value="declaration" selected' in html
    checked = [code for code in ("GTM", "MEX", "CRI", "BLZ", "CAN") if f'value="{code}" id="id_signatories' in html]
    assert checked == ["GTM", "MEX", "CRI", "BLZ", "CAN"]  # every member offered, the text's own first, in order
    review = response.context["review"]
    assert review["signatories"].value() == ["GTM", "MEX", "CRI"]
    assert html.index('value="GTM"') < html.index('value="MEX"') < html.index('value="CRI"') < html.index('value="BLZ"')
    for number, action in enumerate(ANTIGUA_ACTIONS, start=1):
        assert f"Recommended action {number}</label>" in html
        assert action in html
    assert "New recommended action" in html
    assert "A new declaration: loading it creates 3 recommended actions for 3 signatories" in html
    assert "Confirm and load" in html


def test_a_text_file_is_previewed_and_nothing_is_written(antigua_preview, rcm_data):
    before = row_counts()
    assert_antigua_preview(antigua_preview)
    assert row_counts() == before


def test_a_word_document_is_read_like_its_text(secretariat_client):
    def build(document) -> None:
        # The heading in a table, as on letterhead; the actions in Word's own automatic numbering.
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "REGIONAL CONFERENCE ON MIGRATION"
        document.add_paragraph("DECLARATION OF ANTIGUA GUATEMALA")
        document.add_paragraph("Antigua Guatemala, November 14, 2019")
        document.add_paragraph(ANTIGUA.split("\n\n")[2])
        for action in ANTIGUA_ACTIONS:
            document.add_paragraph(action, style="List Number")

    before = row_counts()
    response = secretariat_client.post(UPLOAD, {"file": docx_file(build)})
    assert_antigua_preview(response)
    assert row_counts() == before


# --------------------------------------------------------------------------------------------
# Confirm → loaded through the service
# --------------------------------------------------------------------------------------------


def test_confirming_loads_the_declaration_for_every_signatory(secretariat_client, antigua_preview, secretariat):
    response = secretariat_client.post(CONFIRM, posted_back(antigua_preview))

    declaration = Declaration.objects.get(title="Declaration of Antigua Guatemala")
    assert response.status_code == 302
    assert response["Location"] == reverse("declarations:declaration-detail", args=[declaration.pk])
    assert (str(declaration.adopted_on), declaration.place, declaration.language) == (
        "2019-11-14",
        "Antigua Guatemala",
        "en",
    )
    assert declaration.source_text == ANTIGUA and declaration.source_name == "antigua.txt"
    assert list(declaration.commitments.order_by("number").values_list("text", flat=True)) == ANTIGUA_ACTIONS
    signatories = list(declaration.signatory_links.order_by("position").values_list("country__iso3", flat=True))
    assert signatories == ["GTM", "MEX", "CRI"]
    implementations = Implementation.objects.filter(commitment__declaration=declaration, country__is_regional=False)
    assert implementations.count() == 3 * 3
    audit = AuditEntry.objects.get(action="declaration.create", target_id=str(declaration.pk))
    assert audit.actor == secretariat

    page = secretariat_client.get(response["Location"]).content.decode()
    assert "Loaded “Declaration of Antigua Guatemala”: 3 commitments, 3 signatories." in page


def test_the_stored_text_is_exactly_the_uploaded_one_whatever_its_line_breaks(secretariat_client):
    windows = ANTIGUA.replace("\n", "\r\n").encode("cp1252")
    preview = secretariat_client.post(UPLOAD, {"file": text_file(windows)})
    secretariat_client.post(CONFIRM, posted_back(preview))
    stored = Declaration.objects.get(title="Declaration of Antigua Guatemala")
    assert stored.source_text == ANTIGUA.replace("\n", "\r\n")


def test_corrections_made_in_the_preview_are_what_is_stored(secretariat_client, antigua_preview):
    response = secretariat_client.post(
        CONFIRM,
        posted_back(
            antigua_preview,
            place="  Antigua Guatemala,   Guatemala ",
            **{"commitments-1-text": "Develop a regional protocol\r\nfor the safe return of unaccompanied children."},
        ),
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(title="Declaration of Antigua Guatemala")
    assert declaration.place == "Antigua Guatemala, Guatemala"
    second = declaration.commitments.get(number=2)
    assert second.text == "Develop a regional protocol for the safe return of unaccompanied children."
    assert ANTIGUA[second.source_start : second.source_end].startswith("2. Develop")  # still anchored in the text


def test_dropping_adding_and_checking_in_the_preview(secretariat_client, antigua_preview):
    response = secretariat_client.post(
        CONFIRM,
        posted_back(
            antigua_preview,
            adopted_on="",
            signatories=["GTM", "CRI", "PAN", "BLZ"],
            **{"commitments-0-text": "", "commitments-3-text": "Report back at the next meeting."},
        ),
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(title="Declaration of Antigua Guatemala")
    assert declaration.adopted_on is None
    # The text's order for the countries it names, then those checked in the preview, in list order.
    signatories = list(declaration.signatory_links.order_by("position").values_list("country__iso3", flat=True))
    assert signatories == ["GTM", "CRI", "BLZ", "PAN"]
    commitments = list(declaration.commitments.order_by("number").values_list("number", "text", "source_start"))
    assert [(number, text) for number, text, _ in commitments] == [
        (1, ANTIGUA_ACTIONS[1]),
        (2, ANTIGUA_ACTIONS[2]),
        (3, "Report back at the next meeting."),
    ]
    assert commitments[0][2] == ANTIGUA.index("2. Develop")  # each keeps its own place in the text
    assert commitments[2][2] is None  # typed in the preview: nowhere in the text
    assert Implementation.objects.filter(commitment__declaration=declaration).count() == 3 * 4


def test_checking_corrections_shows_the_preview_again_without_writing(secretariat_client, antigua_preview):
    before = row_counts()
    response = secretariat_client.post(
        CONFIRM, posted_back(antigua_preview, check="1", **{"commitments-0-text": "", "commitments-3-text": "New."})
    )
    assert response.status_code == 200
    boxes = [form["text"].value() for form in response.context["commitments"]]
    assert boxes == [*ANTIGUA_ACTIONS[1:], "New.", None]  # renumbered, and a fresh empty box at the end
    assert "creates 3 recommended actions" in response.content.decode()
    assert row_counts() == before


def test_invalid_corrections_are_listed_and_linked_to_their_fields(secretariat_client, antigua_preview):
    before = row_counts()
    data = posted_back(antigua_preview, title=" ", signatories=[], adopted_on="14/11/2019")
    data.update({f"commitments-{i}-text": "" for i in range(4)})
    response = secretariat_client.post(CONFIRM, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert 'href="#id_title">Title: Enter the title.' in html
    assert 'href="#id_signatories_0">Signatory Member Countries: Check at least one signatory' in html
    assert 'href="#id_adopted_on">Adopted on: Enter the date as year-month-day' in html
    assert 'href="#id_commitments-0-text">Keep at least one recommended action.' in html
    assert row_counts() == before


def test_a_tampered_text_is_refused(secretariat_client, antigua_preview):
    before = row_counts()
    forged = base64.b64encode(ANTIGUA.replace("Costa Rica", "Canada").encode()).decode()
    response = secretariat_client.post(CONFIRM, posted_back(antigua_preview, source=forged))
    assert response.status_code == 400
    assert TAMPERED_TEXT in response.content.decode()
    assert row_counts() == before


def test_a_recomputed_checksum_does_not_pass_for_the_signature(secretariat_client, antigua_preview):
    text = ANTIGUA.replace("Costa Rica", "Canada")
    data = posted_back(
        antigua_preview,
        source=base64.b64encode(text.encode()).decode(),
        source_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    response = secretariat_client.post(CONFIRM, data)
    assert response.status_code == 400
    assert not Declaration.objects.filter(title="Declaration of Antigua Guatemala").exists()


# --------------------------------------------------------------------------------------------
# A corrected text of a declaration already loaded
# --------------------------------------------------------------------------------------------


def test_a_reworded_commitment_is_shown_then_updated_in_place(secretariat_client, darien, official_mex):
    update = report_on(darien, 5, official_mex)
    ids = dict(darien.commitments.values_list("number", "pk"))
    reworded = darien_with("Carrying out campaigns on the risks", "Carrying out information campaigns on the risks")

    before = row_counts()
    preview = secretariat_client.post(UPLOAD, {"file": text_file(reworded, "darien-corrected.txt")})
    html = preview.content.decode()
    assert "This is a corrected text of" in html
    assert "Changed the text of commitment 5" in html
    assert "Every report already recorded on this declaration is kept" in html
    assert "Carrying out information campaigns on the risks" in html
    assert "Confirm and update" in html
    assert row_counts() == before

    response = secretariat_client.post(CONFIRM, posted_back(preview))
    assert response.status_code == 302
    assert response["Location"] == reverse("declarations:declaration-detail", args=[darien.pk])
    assert dict(darien.commitments.values_list("number", "pk")) == ids
    assert darien.commitments.get(number=5).text.startswith("Carrying out information campaigns")
    update.refresh_from_db()
    assert update.implementation.commitment.number == 5
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "Updated “Darien Declaration”: changed the text of commitment 5." in page


def test_a_correction_that_would_drop_a_reported_commitment_cannot_be_confirmed(
    secretariat_client, darien, official_mex
):
    report_on(darien, 10, official_mex)
    last = darien.commitments.get(number=10).text
    shortened = darien_with(f"- {last}", "")

    before = row_counts()
    preview = secretariat_client.post(UPLOAD, {"file": text_file(shortened, "darien-short.txt")})
    html = preview.content.decode()
    assert "This text cannot be loaded as it stands: the new text drops commitment(s) 10" in html
    assert "Confirm and" not in html

    response = secretariat_client.post(CONFIRM, posted_back(preview))  # a confirmation forced anyway
    assert response.status_code == 409
    assert "This text cannot be loaded as it stands" in response.content.decode()
    assert row_counts() == before


def test_a_correction_that_would_drop_a_reporting_country_is_refused_when_checked(
    secretariat_client, darien, official_mex
):
    report_on(darien, 1, official_mex)
    preview = secretariat_client.post(UPLOAD, {"file": text_file(darien_with("Supporting and", "Backing and"))})
    without_mexico = [code for code in preview.context["review"]["signatories"].value() if code != "MEX"]

    before = row_counts()
    checked = secretariat_client.post(CONFIRM, posted_back(preview, signatories=without_mexico, check="1"))
    html = checked.content.decode()
    assert "the new text no longer names MEX as signatory" in html
    assert "Confirm and" not in html
    assert row_counts() == before


def test_the_same_text_again_has_nothing_to_load(secretariat_client, darien):
    preview = secretariat_client.post(UPLOAD, {"file": text_file(DARIEN_TEXT, "darien.txt")})
    html = preview.content.decode()
    assert "This exact text is already loaded as" in html
    assert "Confirm and" not in html


def test_a_confirmation_of_something_other_than_the_preview_shows_it_again(secretariat_client, darien, antigua_preview):
    # The title corrected to an existing declaration's: the load would now update that one.
    before = row_counts()
    response = secretariat_client.post(CONFIRM, posted_back(antigua_preview, title="Darien Declaration"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "nothing was saved" in html
    assert "This is a corrected text of" in html
    assert row_counts() == before

    confirmed = secretariat_client.post(CONFIRM, posted_back(response))
    assert confirmed.status_code == 302
    assert darien.commitments.count() == 3


# --------------------------------------------------------------------------------------------
# Files that are not a declaration
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "problem"),
    [
        (lambda: text_file(b"", "empty.txt"), "“empty.txt” cannot be loaded: the file is empty."),
        (
            lambda: text_file(bytes(range(256)) * 8, "junk.txt"),
            "“junk.txt” cannot be loaded: the file is not a readable",
        ),
        (
            lambda: text_file(b"\x89PNG\r\n\x1a\n" + bytes(64), "photo.png"),
            "“photo.png” cannot be loaded: only .txt, .docx and .pdf files can be read, not .png.",
        ),
        (
            lambda: text_file(b"PK\x05\x06" + bytes(18), "record.zip"),
            "“record.zip” cannot be loaded: only .txt, .docx and .pdf files can be read, not .zip.",
        ),
        (lambda: text_file(PDF_BYTES, "darien.pdf"), "“darien.pdf” cannot be loaded: the file is not a readable PDF."),
        (
            lambda: text_file(make_pdf(None, pages=2), "scan.pdf"),
            "“scan.pdf” cannot be loaded: the PDF has no text layer",
        ),
        (
            lambda: text_file(encrypt_pdf(make_pdf(ANTIGUA), "secret"), "locked.pdf"),
            "“locked.pdf” cannot be loaded: the PDF is protected by a password",
        ),
        (
            lambda: text_file(PDF_BYTES, "darien.docx"),
            "“darien.docx” cannot be loaded: the file is not a readable Word",
        ),
        (
            lambda: text_file(b"a" * (MAX_FILE_BYTES + 1), "huge.txt"),
            "“huge.txt” cannot be loaded: the file is 5.0\xa0MB; a declaration file is at most 5.0\xa0MB.",
        ),
    ],
    ids=[
        "empty",
        "binary",
        "image",
        "zip",
        "pdf-without-pages",
        "scanned-pdf",
        "encrypted-pdf",
        "fake-docx",
        "oversized",
    ],
)
def test_a_file_that_is_not_a_declaration_is_explained_on_the_upload_page(secretariat_client, upload, problem):
    before = row_counts()
    response = secretariat_client.post(UPLOAD, {"file": upload()})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in html
    assert f'<a href="#id_file">Declaration text: {problem}' in html.replace("&#x27;", "'")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("pasted", "problem"),
    [
        ("   \n\n  ", "The pasted text cannot be loaded: the text is empty."),
        ("migration" * (MAX_FILE_BYTES // 9), "The pasted text cannot be loaded: the text is too long to be checked"),
    ],
    ids=["blank", "five-megabytes-of-one-word"],
)
def test_a_paste_that_is_not_a_declaration_is_explained(secretariat_client, settings, pasted, problem):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * MAX_FILE_BYTES  # the request itself is let through
    before = row_counts()
    response = secretariat_client.post(UPLOAD, {"pasted": pasted})
    assert response.status_code == 400
    assert f'<a href="#id_pasted">Or paste the text: {problem}' in response.content.decode()
    assert row_counts() == before


def test_a_file_and_a_paste_together_are_refused(secretariat_client):
    response = secretariat_client.post(UPLOAD, {"file": text_file(ANTIGUA), "pasted": ANTIGUA})
    assert response.status_code == 400
    assert "Choose a file or paste the text, not both." in response.content.decode()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (ANTIGUA.split("1. ")[0], "No recommended actions found"),
        ("WORKSHOP DECLARATION\n\nThe participants agreed:\n\n1. Meet again.\n", "No signatory Member Country"),
    ],
    ids=["no-actions", "no-country"],
)
def test_a_text_with_nothing_found_still_opens_the_preview_which_cannot_be_confirmed(
    secretariat_client, content, problem
):
    before = row_counts()
    response = secretariat_client.post(UPLOAD, {"file": text_file(content, "partial.txt")})
    html = response.content.decode()
    assert response.status_code == 200
    assert problem in html
    assert "Confirm and load" not in html  # no confirmation until an action and a signatory are there
    assert "needs at least one recommended action and one signatory" in html
    confirm = secretariat_client.post(CONFIRM, posted_back(response))
    assert confirm.status_code == 400  # refused by the draft's own checks, nothing written
    assert row_counts() == before


def test_a_pasted_text_is_previewed_and_loaded(secretariat_client, secretariat):
    response = secretariat_client.post(UPLOAD, {"pasted": ANTIGUA})
    assert response.status_code == 200
    assert "Read from the pasted text." in response.content.decode()
    confirm = secretariat_client.post(CONFIRM, posted_back(response))
    assert confirm.status_code == 302
    declaration = Declaration.objects.get(title="Declaration of Antigua Guatemala")
    assert declaration.source_text == ANTIGUA and declaration.source_name == ""
    assert [c.text for c in declaration.commitments.order_by("number")] == ANTIGUA_ACTIONS


def test_a_pdf_is_read_like_its_text(secretariat_client):
    response = secretariat_client.post(UPLOAD, {"file": text_file(make_pdf(ANTIGUA), "antigua.pdf")})
    assert response.status_code == 200
    draft = response.context["commitments"]
    assert [form["text"].value() for form in draft.forms[:3]] == ANTIGUA_ACTIONS


UNMARKED = """Conclusions of the Regional Consultation Group on Migration

The governments of the member countries of the Conference met in Tegucigalpa, Honduras, on March 4, 2015.

The Group reviewed the situation of migrant children.

Update the directory of consular liaison officers.

Prepare a proposal on the protection of migrant women.
"""


def test_paragraphs_ticked_in_the_text_become_the_actions(secretariat_client):
    response = secretariat_client.post(UPLOAD, {"file": text_file(UNMARKED, "rcgm.txt")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "every Member Country is assumed; check them" in html
    assert response.context["review"]["signatories"].value() == [
        "BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "USA"
    ]  # fmt: skip
    blocks = [block for block, _marked in response.context["blocks"]]
    wanted = [str(block.index) for block in blocks if block.text.startswith(("Update", "Prepare"))]
    ticked = secretariat_client.post(CONFIRM, {**posted_back(response), "paragraphs": wanted, "use_marked": "1"})
    assert ticked.status_code == 200
    boxes = [form["text"].value() for form in ticked.context["commitments"].forms]
    assert boxes == [
        "Update the directory of consular liaison officers.",
        "Prepare a proposal on the protection of migrant women.",
        None,
    ]
    assert "Confirm and load" in ticked.content.decode()
    confirm = secretariat_client.post(CONFIRM, posted_back(ticked))
    assert confirm.status_code == 302
    declaration = Declaration.objects.get(title="Conclusions of the Regional Consultation Group on Migration")
    stored = list(declaration.commitments.order_by("number"))
    assert [c.text for c in stored] == boxes[:2]
    assert UNMARKED[stored[0].source_start : stored[0].source_end] == boxes[0]
    assert declaration.signatories.count() == 11


def test_actions_are_split_and_joined_in_their_boxes(secretariat_client, antigua_preview):
    first, second, third = ANTIGUA_ACTIONS
    changes = {
        "commitments-0-text": f"{first}\n\nShare the findings every year.",
        "commitments-2-merge": "on",
        "check": "1",
    }
    checked = secretariat_client.post(CONFIRM, posted_back(antigua_preview, **changes))
    assert checked.status_code == 200
    boxes = [form["text"].value() for form in checked.context["commitments"].forms]
    assert boxes == [first, "Share the findings every year.", f"{second} {third}", None]


def test_another_date_or_place_of_the_text_can_be_picked(secretariat_client):
    text = "12 de agosto de 2015\n\n" + ANTIGUA
    response = secretariat_client.post(UPLOAD, {"file": text_file(text)})
    review = response.context["review"]
    assert review["adopted_on"].value() == datetime.date(2019, 11, 14)
    assert ("2015-08-12", "12 August 2015") in review.fields["date_choice"].choices
    checked = secretariat_client.post(
        CONFIRM, posted_back(response, date_choice="2015-08-12", place="Guatemala City", check="1")
    )
    assert checked.context["review"]["adopted_on"].value() == datetime.date(2015, 8, 12)
    assert checked.context["review"]["place"].value() == "Guatemala City"


def test_no_file_chosen(secretariat_client):
    response = secretariat_client.post(UPLOAD, {})
    assert response.status_code == 400
    assert "Choose the file of the declaration" in response.content.decode()


# --------------------------------------------------------------------------------------------
# The service behind the preview
# --------------------------------------------------------------------------------------------


def test_the_preview_service_writes_nothing_and_agrees_with_the_load(darien, secretariat):
    reworded = darien_with("Supporting and jointly working", "Supporting and working jointly")
    for text in (ANTIGUA, reworded):
        parsed = parse_declaration(text)
        before = row_counts()
        preview = declaration_preview(parsed=parsed, source_text=text, source_name="x.txt")
        assert row_counts() == before
        loaded = declaration_load(parsed=parsed, source_text=text, source_name="x.txt", by=secretariat)
        assert (preview.action, preview.changes) == (loaded.action, loaded.changes)
    assert preview.changes == ["changed the text of commitment 6"]


def test_a_translation_can_be_pasted_too(secretariat_client, darien):
    spanish = (ROOT / "fixtures" / "declarations" / "es" / "2022-darien-declaration.txt").read_text(encoding="utf-8")
    url = reverse("declarations:declaration-translation-upload", args=[darien.pk])
    assert "Coordinar la elaboración" in spanish
    response = secretariat_client.post(
        url, {"pasted": spanish.replace("Coordinar la elaboración", "Coordinar la redacción")}
    )
    assert response.status_code == 302
    assert darien.translations.get(language="es").source_name == ""


def test_an_incomplete_translation_is_refused_at_once(secretariat_client, darien):
    url = reverse("declarations:declaration-translation-upload", args=[darien.pk])
    response = secretariat_client.post(url, {"pasted": "Los Viceministros de Belice y México conversaron.\n"})
    assert response.status_code == 400
    assert "The pasted text cannot be loaded: no recommended actions found." in response.content.decode()


def test_a_language_switch_on_the_preview_shows_the_same_text_again(antigua_preview, secretariat_client):
    """Without script too: the preview is the answer to a POST, so the switch's way back is
    `?resume=1`, which reads the text kept in the session again, in the new language."""
    assert f'name="next" value="{UPLOAD}?resume=1"' in antigua_preview.content.decode()
    switched = secretariat_client.post(
        reverse("set_language"), {"language": "es", "next": f"{UPLOAD}?resume=1"}, follow=True
    )
    html = switched.content.decode()
    assert "Revise la declaración antes de cargarla" in html
    assert 'value="Declaration of Antigua Guatemala"' in html
    assert "Revise la declaración" not in secretariat_client.get(UPLOAD).content.decode()  # a fresh start


def test_resume_without_a_kept_text_is_the_empty_upload_form(secretariat_client):
    html = secretariat_client.get(UPLOAD, {"resume": "1"}).content.decode()
    assert "Read the text" in html and "Check the declaration before loading it" not in html
