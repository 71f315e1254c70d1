from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from accounts.services import password_changed


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (which keeps this session and ends every other one), plus the API tokens."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("commitments:workspace")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, "Your password was changed. Other sessions and API tokens are signed out.")
        return response
