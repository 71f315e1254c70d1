"""Admin edits bypass the services, so the admin records them in the same trail."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from audit.services import audit_record


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action="admin.change" if change else "admin.add",
                target=obj,
                changes={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action="admin.delete", target=obj)  # type: ignore[arg-type]
            super().delete_model(request, obj)  # type: ignore[misc]
