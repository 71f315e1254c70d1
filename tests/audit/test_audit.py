from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from reporting.services import report_update

pytestmark = pytest.mark.django_db


def test_the_loader_and_user_creation_are_in_the_trail(rcm_data, secretariat):
    assert AuditEntry.objects.filter(action="declaration.create").count() == 2
    entry = AuditEntry.objects.filter(action="user.create").latest("pk")
    assert entry.target_repr == secretariat.username


def test_the_secretariat_reads_who_did_what(login_as, mex_implementation, official_mex):
    report_update(implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x")
    response = login_as("secretariat").get(reverse("audit:audit-list"), {"kind": "report"})
    html = response.content.decode()
    assert f"{official_mex} (Mexico) reported Planned, 5% on" in html  # a sentence, not codes
    assert "not_reported" not in html
    assert "loaded" not in html  # the declarations' loading is filtered out


def test_admin_edits_are_recorded(login_as, darien):
    client = login_as("secretariat")
    url = reverse("admin:declarations_commitment_change", args=[darien.commitments.get(number=2).pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(declaration=darien.pk, number=2, text="Corrected text of action 2.", label="Dialogue")
    response = client.post(url, data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.actor is not None
    assert entry.actor.username == "sofia.secretariat"
    assert set(entry.changes["fields"]) >= {"text", "label"}


def test_nobody_edits_the_trail_in_the_admin(login_as, rcm_data):
    entry = AuditEntry.objects.earliest("pk")
    client = login_as("secretariat")
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200  # read only
    response = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
