"""Finding 11: evidence files left behind by a worker killed mid-upload; 5,000 links accepted in one API
update (the form caps at 20); `not_reported_in_round=garbage` ignored instead of a 400."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reporting.models import Evidence, StatusUpdate
from reporting.services import FileInput, report_update
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list[str]:
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


def test_a_killed_upload_leaves_nothing_a_sweep_does_not_remove(
    mex_implementation, official_mex, media_root, monkeypatch
):
    # The worker dies after writing the file and before the commit: the row rolls back, and no
    # clean-up code runs (a SIGKILL runs nothing), so storage deletions do not happen.
    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.delete", lambda self, name: None)

    def killed(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("reporting.services.audit_record", killed)
    with pytest.raises(SystemExit):
        report_update(
            implementation=mex_implementation,
            by=official_mex,
            status="in_progress",
            progress=10,
            summary="Uploading the minutes.",
            files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="acta.pdf", size=len(PDF_BYTES))],
        )
    monkeypatch.undo()
    assert not StatusUpdate.objects.filter(summary="Uploading the minutes.").exists()
    left = stored_files(media_root)
    assert left and all(name.endswith(".part") for name in left)  # never under a name a row could claim

    # Killed between the commit and the move: the row exists, its file is still `.part`.
    # (The test's transaction never commits, so the on-commit move does not run: the same state.)
    update = report_update(
        implementation=mex_implementation,
        by=official_mex,
        status="in_progress",
        progress=20,
        summary="With the minutes.",
        files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="acta.pdf", size=len(PDF_BYTES))],
    )
    evidence = Evidence.objects.get(update=update)
    assert not (media_root / evidence.file.name).exists()

    out = io.StringIO()
    call_command("evidence_sweep", "--older-than-hours", "0", stdout=out)
    assert stored_files(media_root) == [evidence.file.name]
    assert (media_root / evidence.file.name).read_bytes() == PDF_BYTES
    assert "1 orphan file(s) removed, 1 move(s) finished" in out.getvalue()

    # Files younger than the grace period are in flight: left alone.
    (media_root / "evidence" / "in-flight.pdf.part").write_bytes(PDF_BYTES)
    call_command("evidence_sweep", stdout=io.StringIO())
    assert (media_root / "evidence" / "in-flight.pdf.part").exists()


def test_an_api_update_takes_at_most_the_forms_20_links(api, mex_implementation):
    client = api("official_mex")
    url = f"/api/v1/implementations/{mex_implementation.pk}/updates/"
    links = [{"url": f"https://example.org/{n}", "title": str(n)} for n in range(5000)]
    response = client.post(
        url, {"status": "in_progress", "summary": "x", "links": links}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert "links" in response.json()["errors"]
    assert not StatusUpdate.objects.filter(implementation=mex_implementation).exists()
    response = client.post(
        url, {"status": "in_progress", "summary": "x", "links": links[:20]}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 201


def test_an_unknown_boolean_filter_value_is_400(api):
    response = api("observer").get("/api/v1/implementations/", {"not_reported_in_round": "garbage"})
    assert response.status_code == 400
    assert "not_reported_in_round" in response.json()["errors"]
