"""The reporting models, moved from the first release's `commitments` app.

The state operations declare the models; `adopt_tables` renames the first release's tables
when the database has them (no row is copied or lost) and creates them otherwise.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.schema import adopt_tables


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("declarations", "0003_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Implementation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("not_reported", "Not reported"),
                                    ("not_started", "Not started"),
                                    ("planned", "Planned"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("ongoing", "Ongoing"),
                                    ("not_applicable", "Not applicable"),
                                ],
                                default="not_reported",
                                max_length=16,
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("last_reported_at", models.DateTimeField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=0)),
                        (
                            "review_state",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("pending", "Awaiting review"),
                                    ("accepted", "Accepted"),
                                    ("returned", "Returned"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "commitment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="implementations",
                                to="declarations.commitment",
                            ),
                        ),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="implementations",
                                to="declarations.membercountry",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["commitment__declaration_id", "commitment__number", "country__iso3"],
                    },
                ),
                migrations.CreateModel(
                    name="ReportingRound",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, unique=True)),
                        ("starts_on", models.DateField()),
                        ("due_on", models.DateField()),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_figures", models.JSONField(blank=True, editable=False, null=True)),
                        (
                            "declarations",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Declarations in scope; none means all.",
                                related_name="rounds",
                                to="declarations.declaration",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-starts_on"],
                    },
                ),
                migrations.CreateModel(
                    name="StatusTally",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=16)),
                        ("count", models.IntegerField(default=0)),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="declarations.membercountry",
                            ),
                        ),
                        (
                            "declaration",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="declarations.declaration",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="StatusUpdate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveIntegerField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("not_started", "Not started"),
                                    ("planned", "Planned"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("ongoing", "Ongoing"),
                                    ("not_applicable", "Not applicable"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("summary", models.TextField()),
                        ("reported_at", models.DateTimeField()),
                        (
                            "review_state",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting review"),
                                    ("accepted", "Accepted"),
                                    ("returned", "Returned"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        (
                            "implementation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="updates",
                                to="reporting.implementation",
                            ),
                        ),
                        (
                            "reported_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="updates",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reporting_round",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="updates",
                                to="reporting.reportinground",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reported_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "decision",
                            models.CharField(
                                choices=[("accepted", "Accepted"), ("returned", "Returned")], max_length=16
                            ),
                        ),
                        ("comment", models.TextField(blank=True)),
                        ("reviewed_at", models.DateTimeField()),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "update",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="review",
                                to="reporting.statusupdate",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reviewed_at"],
                    },
                ),
                migrations.AddField(
                    model_name="implementation",
                    name="latest_update",
                    field=models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reporting.statusupdate",
                    ),
                ),
                migrations.CreateModel(
                    name="Evidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(choices=[("link", "Link"), ("file", "File")], max_length=8)),
                        ("title", models.CharField(max_length=200)),
                        ("url", models.URLField(blank=True, max_length=2000)),
                        ("file", models.FileField(blank=True, max_length=200, upload_to="evidence/%Y/%m/")),
                        ("original_name", models.CharField(blank=True, max_length=255)),
                        ("size", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("sha256", models.CharField(blank=True, max_length=64)),
                        ("content_type", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "update",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evidence",
                                to="reporting.statusupdate",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="reportinground",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("due_on__gte", models.F("starts_on"))), name="round_due_after_start"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="statustally",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("declaration__isnull", False)),
                        fields=("declaration", "country", "key"),
                        name="tally_unique_declaration_country_key",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="statustally",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("declaration__isnull", True)),
                        fields=("country", "key"),
                        name="tally_unique_country_key",
                    ),
                ),
                migrations.AddIndex(
                    model_name="statusupdate",
                    index=models.Index(fields=["review_state", "reported_at"], name="update_review_queue"),
                ),
                migrations.AddIndex(
                    model_name="statusupdate",
                    index=models.Index(fields=["reporting_round", "implementation"], name="update_round"),
                ),
                migrations.AddConstraint(
                    model_name="statusupdate",
                    constraint=models.UniqueConstraint(
                        fields=("implementation", "sequence"), name="update_unique_sequence"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="statusupdate",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("progress__isnull", True), ("progress__lte", 100), _connector="OR"),
                        name="update_progress_0_100",
                    ),
                ),
                migrations.AddIndex(
                    model_name="implementation",
                    index=models.Index(fields=["country", "status"], name="impl_country_status"),
                ),
                migrations.AddIndex(
                    model_name="implementation",
                    index=models.Index(fields=["status"], name="impl_status"),
                ),
                migrations.AddIndex(
                    model_name="implementation",
                    index=models.Index(fields=["last_reported_at"], name="impl_last_reported"),
                ),
                migrations.AddConstraint(
                    model_name="implementation",
                    constraint=models.UniqueConstraint(
                        fields=("commitment", "country"), name="implementation_unique_country"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="implementation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("progress__isnull", True), ("progress__lte", 100), _connector="OR"),
                        name="implementation_progress_0_100",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidence",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "link"), models.Q(("url", ""), _negated=True), ("file", "")),
                            models.Q(("kind", "file"), ("url", ""), models.Q(("file", ""), _negated=True)),
                            _connector="OR",
                        ),
                        name="evidence_link_xor_file",
                    ),
                ),
            ],
            database_operations=[],
        ),
        adopt_tables(
            app_label="reporting",
            old_app_label="commitments",
            tables={
                "ReportingRound": "commitments_reportinground",
                "Implementation": "commitments_implementation",
                "StatusUpdate": "commitments_statusupdate",
                "Review": "commitments_review",
                "Evidence": "commitments_evidence",
                "StatusTally": "commitments_statustally",
            },
        ),
    ]
