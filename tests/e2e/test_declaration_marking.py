"""Issue #15 in a real browser: a PDF whose actions the parser cannot find, named signatories only
collectively; the secretariat ticks the actions in the text, checks the countries, confirms."""

from __future__ import annotations

from pathlib import Path

import pytest

from declarations.models import Declaration
from tests.conftest import PASSWORD
from tests.declarations.parsing.pdfs import make_pdf
from tests.e2e.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Conclusions of the Regional Consultation Group on Migration"
CONCLUSIONS = f"""{TITLE}

The governments of the member countries of the Conference met in San Salvador, El Salvador, on October 5, 2016.

The Group reviewed the work of its liaison networks.

Update the directory of consular liaison officers before the end of the year.

Prepare a proposal on the protection of migrant women for the Vice-Ministers.

The next meeting will be held in Honduras.
"""
ACTIONS = [
    "Update the directory of consular liaison officers before the end of the year.",
    "Prepare a proposal on the protection of migrant women for the Vice-Ministers.",
]


def test_unmarked_actions_and_a_collective_signatory_phrase_from_pdf_to_declaration(page, secretariat, tmp_path: Path):
    pdf = tmp_path / "rcgm-2016.pdf"
    pdf.write_bytes(make_pdf(CONCLUSIONS))

    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/declarations/upload/")
    page.get_by_label("Declaration text").set_input_files(str(pdf))
    page.get_by_role("button", name="Read the text").click()

    # Nothing found is no dead end: the preview opens, says what to check, and offers no confirmation yet.
    page.get_by_role("heading", name="Check the declaration before loading it").wait_for()
    problems = page.locator("#problems")
    problems.get_by_text("No recommended actions found").wait_for()
    problems.get_by_text("every Member Country is assumed; check them").wait_for()
    assert page.get_by_role("button", name="Confirm and load").count() == 0
    assert page.get_by_label("Title").input_value() == TITLE
    assert page.get_by_label("Adopted on").input_value() == "2016-10-05"
    assert page.get_by_label("Place").input_value() == "San Salvador"
    for country in ("Belize (BLZ)", "Nicaragua (NIC)", "United States (USA)"):
        assert page.get_by_label(country).is_checked()  # the collective phrase offers them all, ticked
    assert axe_violations(page) == []
    screenshot(page, "declaration-preview-nothing-found")

    # Tick the two actions in the text: one with the mouse, one from the keyboard.
    page.get_by_label(ACTIONS[0]).check()
    page.get_by_label(ACTIONS[1]).focus()
    page.keyboard.press("Space")
    assert page.get_by_label(ACTIONS[1]).is_checked()
    page.get_by_role("button", name="Use the ticked paragraphs as the actions").click()

    page.get_by_label("Recommended action 1").wait_for()
    assert page.get_by_label("Recommended action 1").input_value() == ACTIONS[0]
    assert page.get_by_label("Recommended action 2").input_value() == ACTIONS[1]
    # The Conference's record says two members were absent: untick them.
    page.get_by_label("Canada (CAN)").uncheck()
    page.get_by_label("United States (USA)").uncheck()
    page.get_by_role("button", name="Check my corrections").click()
    page.get_by_text("A new declaration: loading it creates 2 recommended actions").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "declaration-preview-marked")

    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text(f"Loaded “{TITLE}”: 2 commitments, 9 signatories.").wait_for()

    declaration = Declaration.objects.get(title=TITLE)
    assert [c.text for c in declaration.commitments.order_by("number")] == ACTIONS
    assert sorted(declaration.signatories.values_list("iso3", flat=True)) == [
        "BLZ", "CRI", "DOM", "GTM", "HND", "MEX", "NIC", "PAN", "SLV"
    ]  # fmt: skip
    assert str(declaration.adopted_on) == "2016-10-05" and declaration.place == "San Salvador"
    assert declaration.source_name == "rcgm-2016.pdf"
