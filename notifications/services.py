"""Every write of the notifications app: telling people what happened, in the app and by e-mail.

Texts are written in the recipient's language (`User.preferred_language`: the one they chose, or
their browser's at their first sign-in), whoever triggers them; a message is stored as it was sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from notifications import messages, selectors
from notifications.models import DigestLog, Notification, NotificationKind, NotificationPreference
from notifications.tasks import email_after_commit
from reporting.models import Implementation, Review, ReviewState, StatusUpdate

# A digest lists at most this many reports; the review queue has them all.
DIGEST_MAX_ITEMS = 200
# After a pause (e-mails off, cron stopped) a digest looks back at most this far.
DIGEST_MAX_LOOKBACK = datetime.timedelta(days=7)


def absolute_url(path: str) -> str:
    """E-mails are read outside the site: their links need the host (there is no request to take it from)."""
    return settings.RCM_SITE_URL.rstrip("/") + path


def _in_every_language(name: Callable[[], str]) -> dict[str, str]:
    """What `name()` gives in each of the site's languages."""
    named = {}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            named[code] = name()
    return named


def notify_review(*, review: Review) -> Notification | None:
    """Tell whoever reported an update that the secretariat accepted or returned it.

    Called inside the review's transaction: the in-app notification commits or rolls back with
    it, and the e-mail waits for the commit.
    """
    update = review.update
    recipient = update.reported_by
    if recipient.pk == review.reviewed_by_id:
        return None  # the secretariat reviewing a report it entered itself has nobody to tell
    implementation = Implementation.objects.select_related("commitment__declaration", "country").get(
        pk=update.implementation_id
    )
    accepted = review.decision == ReviewState.ACCEPTED
    path = reverse("reporting:implementation-detail", args=[implementation.pk])
    # Each name in every language, for the in-app list that words it in its reader's language.
    params: dict[str, object] = {
        "declaration": _in_every_language(lambda: implementation.commitment.declaration.shown.text),
        "number": implementation.commitment.number,
        "country": _in_every_language(lambda: implementation.country.name),
        "comment": review.comment,
    }
    with translation.override(recipient.preferred_language):
        facts = {
            "declaration": implementation.commitment.declaration.shown.text,
            "number": implementation.commitment.number,
            "country": implementation.country.name,
            "comment": review.comment,
        }
        if accepted:
            message = _(messages.ACCEPTED)
            subject = _("RCM: your update on %(declaration)s, action %(number)s, was accepted")
        else:
            message = _(messages.RETURNED)
            subject = _("RCM: your update on %(declaration)s, action %(number)s, was returned")
        message, subject = message % facts, subject % facts
        kind = NotificationKind.UPDATE_ACCEPTED if accepted else NotificationKind.UPDATE_RETURNED
        notification = Notification.objects.create(
            user=recipient, kind=kind, message=message, url=path, message_key=kind.value, params=params
        )
        if selectors.email_enabled(recipient):
            body = render_to_string(
                "notifications/email/review.txt",
                {
                    "user": recipient,
                    "accepted": accepted,
                    "message": message,
                    "comment": review.comment,
                    "url": absolute_url(path),
                    "preferences_url": absolute_url(reverse("notifications:preferences")),
                },
            )
            # Queued: a mail server that is down delays the e-mail (retried), never the review.
            email_after_commit(subject=subject, body=body, to=[recipient.email])
    return notification


def notification_open(*, notification: Notification) -> Notification:
    """Mark as read (once: the first reading time is the one kept)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user: User, email_enabled: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": email_enabled}
    )
    return preference


# --------------------------------------------------------------------------------------------
# The secretariat's daily digest of new reports
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    username: str
    submissions: int
    emailed: bool


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def digest_window(
    *, today: datetime.date, last_digest: datetime.date | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """The reports a digest on `today` covers: up to today's midnight, from where the last one stopped.

    Starting from the last digest (rather than always "yesterday") means a day the job did not
    run is caught up the next day; the look-back is capped so a long pause does not flood anyone.
    """
    end = _midnight(today)
    earliest = today - DIGEST_MAX_LOOKBACK
    start_day = today - datetime.timedelta(days=1) if last_digest is None else max(last_digest, earliest)
    return _midnight(start_day), end


def send_digest(*, today: datetime.date) -> list[DigestResult]:
    """For each secretariat member, one digest of the reports submitted since their last one.

    Idempotent: the DigestLog row (user × day) is written in the same transaction as the
    notification and the e-mail, so a second run the same day finds it and skips that user.
    Nothing is produced for a user when nothing was submitted.
    """
    recipients = list(selectors.digest_recipients())
    last = selectors.last_digest_dates(recipients)
    submissions: dict[tuple[datetime.datetime, datetime.datetime], list[StatusUpdate]] = {}
    results = []
    for user in recipients:
        window = digest_window(today=today, last_digest=last.get(user.pk))
        if window[0] >= window[1]:
            continue
        if window not in submissions:
            submissions[window] = selectors.submissions_between(start=window[0], end=window[1])
        updates = submissions[window]
        if not updates:
            continue
        emailed = selectors.email_enabled(user)
        try:
            with transaction.atomic():
                # The log row is the lock: a repeated or concurrent run fails to insert it and skips.
                DigestLog.objects.create(user=user, date=today, submissions=len(updates), emailed=emailed)
                _deliver_digest(user, updates, window, emailed=emailed)
        except IntegrityError:
            continue
        results.append(DigestResult(user.username, len(updates), emailed))
    return results


def _deliver_digest(
    user: User,
    updates: list[StatusUpdate],
    window: tuple[datetime.datetime, datetime.datetime],
    *,
    emailed: bool,
) -> None:
    start, end = (timezone.localtime(moment) for moment in window)
    pending = sum(1 for update in updates if update.review_state == ReviewState.PENDING)
    queue = reverse("reporting:review-queue")
    with translation.override(user.preferred_language):
        summary = ngettext(
            "%(count)d new report since %(start)s (%(pending)d awaiting review).",
            "%(count)d new reports since %(start)s (%(pending)d awaiting review).",
            len(updates),
        ) % {"count": len(updates), "start": f"{start:%Y-%m-%d}", "pending": pending}
        facts = {"count": len(updates), "start": f"{start:%Y-%m-%d}", "pending": pending}
        Notification.objects.create(
            user=user, kind=NotificationKind.DIGEST, message=summary, url=queue, message_key="digest", params=facts
        )
        if not emailed:
            return
        shown = updates[:DIGEST_MAX_ITEMS]
        countries = [
            (country, [(update, absolute_url(_implementation_path(update))) for update in items])
            for country, items in groupby(shown, key=lambda update: update.implementation.country)
        ]
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "user": user,
                "count": len(updates),
                "pending": pending,
                "start": start,
                "end": end,
                "countries": countries,
                "not_shown": len(updates) - len(shown),
                "queue_url": absolute_url(queue),
                "preferences_url": absolute_url(reverse("notifications:preferences")),
            },
        )
        subject = ngettext(
            "RCM: %(count)d new report since %(start)s",
            "RCM: %(count)d new reports since %(start)s",
            len(updates),
        ) % {"count": len(updates), "start": f"{start:%Y-%m-%d}"}
    # Queued with the log row: the queue retries a failed send, so the log can say "done" at once.
    email_after_commit(subject=subject, body=body, to=[user.email])


def _implementation_path(update: StatusUpdate) -> str:
    return reverse("reporting:implementation-detail", args=[update.implementation_id])
