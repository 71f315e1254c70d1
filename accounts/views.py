from __future__ import annotations

from typing import Literal, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import SignInForm
from accounts.models import User
from accounts.services import password_changed, user_language_set


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )


class LoginView(auth_views.LoginView):
    """Django's sign-in, plus the person's language: the stored one wins over this browser's.

    A person who never chose keeps the language this page was shown in (their browser's
    Accept-Language, or the cookie), and it is stored so that e-mails to them use it too.
    """

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if user.language:
            translation.activate(user.language)
        else:
            user_language_set(user=user, language=translation.get_language() or settings.LANGUAGE_CODE)
        _remember_language(response, user.language)
        return response


@login_not_required  # the sign-in page offers the switcher too
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (cookie, redirect back), and the choice kept on the user.

    Django would set a cookie for any language it has translations for (French, say); only the
    site's own languages are taken, anything else just goes back to the page.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        back = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return HttpResponseRedirect(back if safe else "/")
    response = set_language(request)
    if isinstance(request.user, User):
        user_language_set(user=request.user, language=language)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (which keeps this session and ends every other one), plus the API tokens."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("reporting:workspace")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, _("Your password was changed. Other sessions and API tokens are signed out."))
        return response


def lockout_seconds() -> int:
    """How long a locked-out username and address wait: the Retry-After of every lockout answer."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the "Sign-in paused" page, 429 with Retry-After."""
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


class LogoutView(auth_views.LogoutView):
    """Django's sign-out, which then says so on the sign-in page it lands on."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("You are signed out."))
        return response
