"""The reminder log, moved from the first release's `commitments` app.

The state operations declare the models; `adopt_tables` renames the first release's tables
when the database has them (no row is copied or lost) and creates them otherwise.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.schema import adopt_tables


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("declarations", "0003_translations"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReminderLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("before_due", "A week before the due date"),
                                    ("after_due", "A week after the due date"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                        ("recipients", models.PositiveSmallIntegerField(default=0)),
                        ("open_items", models.PositiveIntegerField(default=0)),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="declarations.membercountry",
                            ),
                        ),
                        (
                            "reporting_round",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to="reporting.reportinground",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("reporting_round", "country", "kind"), name="reminder_once_per_kind"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        adopt_tables(
            app_label="rounds",
            old_app_label="commitments",
            tables={"ReminderLog": "commitments_reminderlog"},
        ),
    ]
