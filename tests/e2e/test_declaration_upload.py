"""The secretariat adds a third declaration in a real browser: upload, check, correct, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest

from declarations.models import Declaration
from tests.conftest import PASSWORD, PDF_BYTES
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Declaration of Belmopan"
BELMOPAN = """REGIONAL CONFERENCE ON MIGRATION
DECLARATION OF BELMOPAN

Belmopan, June 12, 2023

The Vice-Ministers of Belize, Guatemala and Honduras, meeting in Belmopan,
agreed to recommend the following actions:

1. Set up a shared register of missing migrants, with the support of the ICRC.
2. Train border officials on the identification of victims of trafficking in persons.
3. Publish a joint report on labour mobility schemes before the next Vice-Ministerial meeting.
"""


def test_secretariat_uploads_corrects_and_confirms_a_declaration(page, secretariat, tmp_path: Path):
    not_a_declaration = tmp_path / "minutes.pdf"
    not_a_declaration.write_bytes(PDF_BYTES)
    text = tmp_path / "belmopan.txt"
    text.write_text(BELMOPAN, encoding="utf-8")

    sign_in(page, secretariat.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    page.get_by_role("link", name="Add a declaration").click()
    page.get_by_role("heading", name="Add a declaration").wait_for()
    screenshot(page, "declaration-upload")

    page.get_by_label("Declaration text").set_input_files(str(not_a_declaration))
    page.get_by_role("button", name="Read the text").click()
    page.get_by_role("alert").get_by_text("the file is not a readable PDF").wait_for()
    screenshot(page, "declaration-upload-error")

    page.get_by_label("Declaration text").set_input_files(str(text))
    page.get_by_role("button", name="Read the text").click()
    page.get_by_role("heading", name="Check the declaration before loading it").wait_for()
    assert page.get_by_label("Title").input_value() == TITLE
    assert page.get_by_label("Adopted on").input_value() == "2023-06-12"
    assert page.get_by_label("Place").input_value() == "Belmopan"
    assert page.get_by_label("Belize (BLZ)").is_checked()
    assert not page.get_by_label("Mexico (MEX)").is_checked()
    assert page.get_by_label("Recommended action 3").input_value().startswith("Publish a joint report")
    screenshot(page, "declaration-preview")

    page.get_by_label("Place").fill("Belmopan, Belize")
    page.get_by_role("button", name="Confirm and load").click()

    page.get_by_text(f"Loaded “{TITLE}”: 3 commitments, 3 signatories.").wait_for()
    page.get_by_role("heading", name=TITLE).wait_for()
    assert "Belmopan, Belize" in page.locator(".facts").inner_text()
    assert page.locator("ol.commitments > li").count() == 3
    screenshot(page, "declaration-loaded")

    # The browser sent the text back with its line breaks rewritten; the stored text is the file's.
    assert Declaration.objects.get(title=TITLE).source_text == BELMOPAN


def test_secretariat_sees_what_a_corrected_text_changes_before_confirming(page, secretariat, darien, tmp_path: Path):
    corrected = tmp_path / "darien-corrected.txt"
    corrected.write_text(
        darien.source_text.replace("Carrying out campaigns", "Carrying out information campaigns"), encoding="utf-8"
    )
    ids = list(darien.commitments.order_by("number").values_list("pk", flat=True))

    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/declarations/upload/")
    page.get_by_label("Declaration text").set_input_files(str(corrected))
    page.get_by_role("button", name="Read the text").click()
    page.get_by_text("Changed the text of commitment 5").wait_for()
    screenshot(page, "declaration-preview-changes")

    page.get_by_role("button", name="Confirm and update").click()
    page.get_by_text("Updated “Darien Declaration”: changed the text of commitment 5.").wait_for()
    assert list(darien.commitments.order_by("number").values_list("pk", flat=True)) == ids


def test_a_language_switch_on_the_preview_keeps_the_text_and_the_corrections(page, secretariat, tmp_path: Path):
    """The preview answers a POST: the switch comes back to it, read again from the text the session
    kept, and the corrections typed on it are put back by name."""
    text = tmp_path / "belmopan.txt"
    text.write_text(BELMOPAN, encoding="utf-8")
    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/declarations/upload/")
    page.get_by_label("Declaration text").set_input_files(str(text))
    page.get_by_role("button", name="Read the text").click()
    page.get_by_role("heading", name="Check the declaration before loading it").wait_for()
    page.get_by_label("Place").fill("Belmopan, Belize")
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Revise la declaración antes de cargarla").wait_for()
    assert page.get_by_label("Título").input_value() == TITLE
    assert page.get_by_label("Lugar").input_value() == "Belmopan, Belize"
