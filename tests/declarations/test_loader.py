"""`load_declarations`: the command other programs rely on, and the service behind it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command

from declarations.models import Commitment, Declaration, Signatory
from reporting.models import Implementation
from tests.conftest import ROOT, SEED_FILES, manage_py

pytestmark = pytest.mark.django_db

DARIEN = ROOT / "fixtures" / "declarations" / "2022-darien-declaration.txt"

SMALL = """JOINT DECLARATION OF TEGUCIGALPA

Tegucigalpa, June 24-25, 2014

The Vice-Ministers of Belize, Honduras and Mexico agreed:

1. Strengthen consular protection networks.
2. Exchange statistics on returned children every semester.
"""


def load(*paths: Path | str) -> str:
    out = io.StringIO()
    call_command("load_declarations", *map(str, paths), stdout=out)
    return out.getvalue()


def database_state() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(Declaration.objects.order_by("pk").values_list("pk", "title", "source_sha256", "updated_at")),
        list(Commitment.objects.order_by("pk").values_list("pk", "number", "text")),
        list(Signatory.objects.order_by("pk").values_list("declaration_id", "country_id", "position")),
        list(Implementation.objects.order_by("pk").values_list("pk", "commitment_id", "country_id", "version")),
    )


def test_make_run_data_is_two_declarations_28_commitments_298_implementations(rcm_data):
    assert Declaration.objects.count() == 2
    assert Commitment.objects.count() == 28
    assert Implementation.objects.count() == 298  # 10 × 10 + 18 × 11


def test_seed_details(darien, global_compact):
    assert str(darien.adopted_on) == "2022-03-25"
    assert darien.place == "Panama City"
    assert darien.commitments.get(number=5).text.startswith("Carrying out campaigns")
    assert global_compact.adopted_on is None and global_compact.place is None
    assert "[bookmark" not in global_compact.commitments.get(number=17).text
    assert global_compact.signatories.count() == 11
    assert not darien.signatories.filter(iso3="NIC").exists()


def test_loading_the_same_texts_again_changes_nothing(rcm_data):
    before = database_state()
    output = load(*SEED_FILES)
    assert output.count("unchanged") == 2
    assert database_state() == before


def test_dry_run_json_is_the_documented_object_and_writes_nothing(rcm_data, tmp_text):
    before = database_state()
    out = io.StringIO()
    call_command("load_declarations", str(tmp_text("small.txt", SMALL)), "--dry-run", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload == {
        "title": payload["title"],
        "adopted_on": "2014-06-25",
        "place": "Tegucigalpa",
        "language": "en",
        "signatories": ["BLZ", "HND", "MEX"],
        "commitments": [
            {"number": 1, "text": "Strengthen consular protection networks."},
            {"number": 2, "text": "Exchange statistics on returned children every semester."},
        ],
        # Keys added by issue #15; the documented ones above never change.
        "problems": [],
        "found": {
            "title": True,
            "adopted_on": True,
            "place": True,
            "language": True,
            "signatories": True,
            "commitments": True,
        },
    }
    assert "Tegucigalpa" in payload["title"]
    assert database_state() == before


def test_dry_run_json_for_the_darien_seed(rcm_data):
    out = io.StringIO()
    call_command("load_declarations", str(DARIEN), "--dry-run", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["adopted_on"] == "2022-03-25"
    assert payload["place"] == "Panama City"
    assert payload["signatories"] == ["BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "PAN", "USA"]
    assert [c["number"] for c in payload["commitments"]] == list(range(1, 11))


def test_a_corrected_text_updates_in_place_and_keeps_reports(darien, tmp_text):
    reported = Implementation.objects.get(commitment__declaration=darien, commitment__number=2, country__iso3="MEX")
    Implementation.objects.filter(pk=reported.pk).update(status="in_progress", version=3)
    commitment_ids = list(darien.commitments.order_by("number").values_list("pk", flat=True))
    corrected = DARIEN.read_text(encoding="utf-8").replace(
        "Promoting and maintaining dialogue", "Promoting and sustaining dialogue"
    )

    output = load(tmp_text("darien-corrected.txt", corrected))

    assert "updated" in output and "changed the text of commitment 2" in output
    assert Declaration.objects.count() == 2
    assert list(darien.commitments.order_by("number").values_list("pk", flat=True)) == commitment_ids
    assert darien.commitments.get(number=2).text.startswith("Promoting and sustaining dialogue")
    reported.refresh_from_db()
    assert (reported.status, reported.version) == ("in_progress", 3)
    assert Implementation.objects.count() == 298


def test_a_text_that_drops_a_reported_commitment_is_refused_and_nothing_changes(darien, tmp_text):
    Implementation.objects.filter(commitment__declaration=darien, commitment__number=10, country__iso3="GTM").update(
        status="planned", version=1
    )
    lines = DARIEN.read_text(encoding="utf-8").splitlines(keepends=True)
    shortened = "".join(line for line in lines if not line.startswith("- Coordinating with the Comprehensive"))
    before = database_state()

    with pytest.raises(CommandError, match="drops commitment"):
        load(tmp_text("darien-short.txt", shortened))
    assert database_state() == before


def test_a_text_that_drops_an_unreported_commitment_removes_it(darien, tmp_text):
    lines = DARIEN.read_text(encoding="utf-8").splitlines(keepends=True)
    shortened = "".join(line for line in lines if not line.startswith("- Coordinating with the Comprehensive"))
    load(tmp_text("darien-short.txt", shortened))
    assert darien.commitments.count() == 9
    assert Implementation.objects.filter(commitment__declaration=darien).count() == 90


def test_a_bad_file_in_a_batch_leaves_the_database_untouched(rcm_data, tmp_text):
    good = tmp_text("good.txt", SMALL)
    bad = tmp_text("bad.txt", "Minutes of a meeting of Belize and Mexico. Nothing was agreed.\n")
    before = database_state()
    with pytest.raises(CommandError, match=r"bad\.txt"):
        load(good, bad)
    assert database_state() == before


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("The Vice-Ministers of Belize and Mexico met and talked.\n", "no recommended actions"),
        ("The Vice-Ministers of Argentina and Chile agreed:\n\n1. Meet again.\n2. Share data.\n", "signatory"),
        (b"\x00\x01\x02\x03PK\x03\x04" * 20, "not a readable text file"),
        (b"", "empty"),
        (b"migration" * (5 * 1024 * 1024 // 9), "far more than a declaration"),  # 5 MB of one word
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "not a readable text file"),  # an image named .txt
    ],
)
def test_unusable_files_fail_naming_the_file_and_the_problem(rcm_data, tmp_path, content, problem):
    path = tmp_path / "declaration.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert problem in str(raised.value)
    assert raised.value.returncode == 1


def test_a_missing_file_fails_clearly(rcm_data, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        load(tmp_path / "nowhere.txt")


def test_command_line_prints_one_line_on_stderr_and_exits_1(tmp_path):
    """The interface as a script sees it: exit code and a single stderr line."""
    bad = tmp_path / "notes.txt"
    bad.write_text("Nothing here names a Member Country or an action.\n", encoding="utf-8")
    result = manage_py(
        "load_declarations", "--dry-run", "--format", "json", str(bad), database=tmp_path / "empty.sqlite3"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"{bad}: ")


# --------------------------------------------------------------------------------------------
# Issue #15: PDF and Word files, problems and found in the JSON, --keep-going
# --------------------------------------------------------------------------------------------

COLLECTIVE = """SPECIAL DECLARATION ON MIGRANT CHILDREN

The governments of the member countries of the Conference, meeting in Punta Cana, Dominican Republic,
on June 27, 2017, agreed:

1. To guarantee the best interests of the child in every migration procedure.
2. To exchange information on the return of unaccompanied children.
"""


def dry_run_json(path: Path) -> dict[str, object]:
    out = io.StringIO()
    call_command("load_declarations", str(path), "--dry-run", "--format", "json", stdout=out)
    payload: dict[str, object] = json.loads(out.getvalue())
    return payload


def test_a_pdf_and_a_word_file_load_like_their_text(rcm_data, tmp_path):
    from tests.declarations.parsing.pdfs import make_pdf

    pdf = tmp_path / "small.pdf"
    pdf.write_bytes(make_pdf(SMALL))
    document = docx.Document()
    for line in SMALL.splitlines():
        document.add_paragraph(line)
    word = tmp_path / "small.docx"
    document.save(str(word))
    expected = dry_run_json(Path(str(tmp_text_path(tmp_path, "small.txt", SMALL))))
    assert dry_run_json(pdf) == expected
    assert dry_run_json(word) == expected


def tmp_text_path(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_dry_run_json_lists_problems_and_what_was_found(rcm_data, tmp_text):
    payload = dry_run_json(tmp_text("collective.txt", COLLECTIVE))
    assert payload["signatories"] == ["BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "USA"]
    assert payload["problems"] == [
        "the signatories are named only as “The governments of the member countries of the Conference”: "
        "every Member Country is assumed; check them"
    ]
    assert payload["found"] == {
        "title": True,
        "adopted_on": True,
        "place": True,
        "language": True,
        "signatories": True,
        "commitments": True,
    }


def test_keep_going_loads_every_usable_file_and_lists_the_others(rcm_data, tmp_text):
    good = tmp_text("good.txt", SMALL)
    no_actions = tmp_text("minutes.txt", "The Vice-Ministers of Belize and Mexico met and talked.\n")
    collective = tmp_text("collective.txt", COLLECTIVE)
    missing = good.parent / "missing.pdf"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "load_declarations", str(good), str(no_actions), str(collective), str(missing), "--keep-going",
            stdout=out, stderr=err,
        )  # fmt: skip
    assert raised.value.returncode == 1
    assert str(raised.value) == "2 of 4 files were not loaded"
    assert err.getvalue().splitlines() == [f"{no_actions}: no recommended actions found", f"{missing}: no such file"]
    titles = ["Joint Declaration of Tegucigalpa", "Special Declaration on Migrant Children"]
    assert Declaration.objects.filter(title__in=titles).count() == 2
    assert "collective.txt: created" in out.getvalue()


def test_keep_going_on_the_command_line_exits_1_and_lists_each_file_left_out(tmp_path):
    good = tmp_text_path(tmp_path, "good.txt", SMALL)
    bad = tmp_text_path(tmp_path, "notes.txt", "Nothing here names a Member Country or an action.\n")
    database = tmp_path / "db.sqlite3"
    assert manage_py("migrate", "--noinput", database=database).returncode == 0
    assert manage_py("loaddata", "member_countries", database=database).returncode == 0
    result = manage_py("load_declarations", "--keep-going", str(good), str(bad), database=database)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{bad}: no recommended actions found", "1 of 2 files were not loaded"]
    assert f"{good}: created" in result.stdout
