"""Migration helpers. Migrations import these by name: keep them, and their behaviour, stable.

The first release kept every reporting model in one app, `commitments`. When its models moved to
the apps that own them (`reporting`, `rounds`), a database created by the first release already held
their rows under the old table names, while a new database holds nothing. `adopt_tables` serves
both: the migration declares the models in its state only, and this operation then either renames
the old tables (keeping every row, index and constraint) or creates the tables from that state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def adopt_tables(*, app_label: str, old_app_label: str, tables: Mapping[str, str]) -> migrations.RunPython:
    """Rename each model's old table to its new name if the database has it, else create it.

    `tables` maps a model name of `app_label` to its table under `old_app_label`. The content types
    and audit entries that named the old app are relabelled, so admin history and the audit
    trail still point at their rows.
    """

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        existing = set(schema_editor.connection.introspection.table_names())
        for model_name, old_table in tables.items():
            model = apps.get_model(app_label, model_name)
            if old_table not in existing:
                schema_editor.create_model(model)
                continue
            schema_editor.alter_db_table(model, old_table, model._meta.db_table)
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    schema_editor.alter_db_table(through, f"{old_table}_{field.name}", through._meta.db_table)
        content_type = apps.get_model("contenttypes", "ContentType")
        audit_entry = apps.get_model("audit", "AuditEntry")
        db = schema_editor.connection.alias
        for model_name in tables:
            name = model_name.lower()
            if not content_type.objects.using(db).filter(app_label=app_label, model=name).exists():
                content_type.objects.using(db).filter(app_label=old_app_label, model=name).update(app_label=app_label)
            audit_entry.objects.using(db).filter(target_type=f"{old_app_label}.{name}").update(
                target_type=f"{app_label}.{name}"
            )

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
