from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a refused sign-in marks both fields invalid and points them at the
    message above the form, which names no field (it must not say which of the two was wrong)."""

    ERROR_ID = "sign-in-error"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field is None:
            for name in ("username", "password"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": self.ERROR_ID})
