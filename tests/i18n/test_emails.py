"""E-mails are written in the recipient's language, whoever triggers them and whatever their language."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import translation

from accounts.models import Role, User
from accounts.services import user_create
from notifications.models import Notification
from reporting.models import Implementation, ReportingRound
from reporting.services import report_update, review_update
from tests.conftest import PASSWORD


def with_email(user: User, address: str, language: str) -> User:
    user.email, user.language = address, language
    user.save()
    return user


@pytest.mark.parametrize("reviewer_language", ["en", "es"])
def test_a_returned_update_is_mailed_in_the_officials_language(
    official_mex: User,
    secretariat: User,
    mex_implementation: Implementation,
    reviewer_language: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with_email(official_mex, "ana@sre.gob.mx", "es")
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=None, summary="Plan."
    )
    # The secretariat's own page language must not leak into the official's e-mail.
    with translation.override(reviewer_language), django_capture_on_commit_callbacks(execute=True):
        review_update(update=update, by=secretariat, decision="returned", comment="Agregue la evidencia.")
    [message] = mail.outbox
    # The declaration is named by its Spanish version's title (branch bilingual).
    assert message.subject.startswith("CRM: se devolvió su actualización sobre Declaración de Darién, acción 1")
    assert message.body.startswith("Estimado/a ana.mex:")
    assert "Corríjala o complétela e informe de nuevo desde la página de la acción:" in message.body
    assert "Please" not in message.body and "Dear" not in message.body
    notification = Notification.objects.get(user=official_mex)
    assert notification.message.startswith("La Secretaría devolvió su actualización sobre Declaración de Darién")


def remind(day: str) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails are queued when the log commits
        call_command("send_reminders", "--today", day, stdout=io.StringIO())


def test_an_accepted_update_is_mailed_in_english_to_an_english_speaker(
    official_mex: User, secretariat: User, mex_implementation: Implementation, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(official_mex, "ana@sre.gob.mx", "en")
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=None, summary="Plan."
    )
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        review_update(update=update, by=secretariat, decision="accepted")
    [message] = mail.outbox
    assert message.subject.startswith("RCM: your update on Darien")
    assert message.body.startswith("Dear ana.mex,")


def test_reminders_go_to_each_official_in_their_own_language(
    official_mex: User, darien: object, rcm_data: None
) -> None:
    with_email(official_mex, "ana@sre.gob.mx", "es")
    colleague = user_create(
        username="john.mex", role=Role.OFFICIAL, country_iso3="MEX", password=PASSWORD, email="john@sre.gob.mx"
    )
    with_email(colleague, "john@sre.gob.mx", "en")
    ReportingRound.objects.create(name="R1", starts_on=datetime.date(2026, 1, 1), due_on=datetime.date(2026, 12, 15))

    remind("2026-12-08")

    by_recipient = {tuple(message.to): message for message in mail.outbox if "sre.gob.mx" in message.to[0]}
    spanish, english = by_recipient[("ana@sre.gob.mx",)], by_recipient[("john@sre.gob.mx",)]
    assert spanish.subject.startswith("CRM: ") and "acciones pendientes de informe para R1" in spanish.subject
    assert "deben presentarse a más tardar el 15 de diciembre de 2026" in spanish.body
    assert "Estimados colegas de" in spanish.body and "Dear" not in spanish.body
    assert english.subject.startswith("RCM: ") and "actions still to report for R1" in english.subject
    assert "are due on 15 December 2026" in english.body
