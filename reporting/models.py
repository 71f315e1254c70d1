from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Commitment, Declaration, MemberCountry


class Status(models.TextChoices):
    """Stored as these codes everywhere (database, API, exports); shown translated."""

    NOT_REPORTED = "not_reported", _("Not reported")
    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ONGOING = "ongoing", _("Ongoing")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


REPORTABLE_STATUSES = [choice for choice in Status.choices if choice[0] != Status.NOT_REPORTED]


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ReportingRoundQuerySet(models.QuerySet["ReportingRound"]):
    def current(self) -> ReportingRound | None:
        """The round new reports count towards: the one not closed (one at a time), even before its start.

        Rounds cover time without gaps: a report made while no round is open, or after one
        closed and before the next starts, belongs to the next round. When no round is open at
        all, reports wait unassigned and `rounds.services.round_open` gives them to the round it opens.
        """
        return self.filter(closed_at__isnull=True).order_by("-starts_on", "-pk").first()


class ReportingRound(models.Model):
    """A period the secretariat opens for reports ("2026 first semester"), with a due date."""

    name = models.CharField(max_length=120, unique=True)
    starts_on = models.DateField()
    due_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # Written when the round closes: its per-country figures as they stood, never recomputed.
    closed_figures = models.JSONField(null=True, blank=True, editable=False)
    declarations = models.ManyToManyField(
        Declaration, blank=True, related_name="rounds", help_text=_("Declarations in scope; none means all.")
    )

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="round_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Implementation(models.Model):
    """One commitment × one signatory country, holding the *current reported* state.

    The reported state is the latest update that was not returned (pending review or accepted);
    a returned update never counts as the country's state. Lists and dashboards read these
    columns instead of scanning the update history; the reporting and review services keep them
    equal to that update inside the same transaction. The *validated* state (the latest accepted
    update) is computed from the history: `reporting.history.annotate_state(accepted_only=True)`.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="implementations")
    country = models.ForeignKey(MemberCountry, on_delete=models.PROTECT, related_name="implementations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_REPORTED)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every update: the optimistic-concurrency token behind forms and ETags.
    version = models.PositiveIntegerField(default=0)
    latest_update = models.ForeignKey(
        "StatusUpdate", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # The review state of the latest update, so the workspace shows "returned" without a join.
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, blank=True)
    # The last change of any kind, a report or a review: what `updated_since` and Last-Modified read.
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["commitment__declaration_id", "commitment__number", "country__iso3"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "country"], name="implementation_unique_country"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="implementation_progress_0_100",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
        ]
        indexes = [
            models.Index(fields=["country", "status"], name="impl_country_status"),
            models.Index(fields=["status"], name="impl_status"),
            models.Index(fields=["last_reported_at"], name="impl_last_reported"),
            models.Index(fields=["updated_at"], name="impl_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.country.iso3}"

    @property
    def is_reported(self) -> bool:
        """The country has a standing report (a returned one alone does not count)."""
        return self.status != Status.NOT_REPORTED


class StatusUpdate(models.Model):
    """One report on an implementation. Append-only: never edited or deleted; a correction is a new one."""

    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="updates")
    # The implementation's version this update created (1, 2, …): unique, so two concurrent
    # writers can never both become "version 3" even if a lock were forgotten.
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=REPORTABLE_STATUSES)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="updates")
    reported_at = models.DateTimeField()
    reporting_round = models.ForeignKey(
        ReportingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "sequence"], name="update_unique_sequence"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="update_progress_0_100",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "reported_at"], name="update_review_queue"),
            models.Index(fields=["reporting_round", "implementation"], name="update_round"),
        ]

    def __str__(self) -> str:
        return f"{self.implementation} v{self.sequence}: {self.status}"


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("File")


class Evidence(models.Model):
    """A link or an uploaded file supporting a status update."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, blank=True)
    # Stored under a generated name; the user's name is kept only as data, never as a path.
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="link") & ~models.Q(url="") & models.Q(file=""))
                | (models.Q(kind="file") & models.Q(url="") & ~models.Q(file="")),
                name="evidence_link_xor_file",
                violation_error_message=_("Evidence is either a link (with its address) or a file, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """The secretariat's response to one update: accepted, or returned with a comment."""

    update = models.OneToOneField(StatusUpdate, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(
        max_length=16, choices=[(ReviewState.ACCEPTED, _("Accepted")), (ReviewState.RETURNED, _("Returned"))]
    )
    comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.update}"


PENDING_REVIEW = "pending_review"


class StatusTally(models.Model):
    """How many implementations of one declaration × country are in each status, kept by the writers.

    `key` is a status code, or `pending_review` for updates awaiting the secretariat. Rows with
    no declaration hold the country's totals over every declaration. The reporting, review and
    loading services change these counts in the transaction that changes the implementations,
    so the summary and the dashboard read a few rows instead of counting history or every
    implementation. `reporting.tallies.tally_rebuild` recomputes them from scratch.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, null=True, related_name="+")
    country = models.ForeignKey(MemberCountry, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=16)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "country", "key"],
                condition=models.Q(declaration__isnull=False),
                name="tally_unique_declaration_country_key",
                violation_error_message=_("This count already exists for the declaration and country."),
            ),
            models.UniqueConstraint(
                fields=["country", "key"],
                condition=models.Q(declaration__isnull=True),
                name="tally_unique_country_key",
                violation_error_message=_("This count already exists for the country."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id or 'all'} · {self.country_id} · {self.key}: {self.count}"
