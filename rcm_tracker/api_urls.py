"""/api/v1/: the REST API. Its paths are an interface other programs rely on: keep them stable."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.validators import RegexValidator
from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.services import token_issue
from accounts.throttling import TokenAddressThrottle, TokenUsernameThrottle
from accounts.views import lockout_seconds
from core.api import RateLimitHeaders, not_found
from core.parsers import JSONParser
from declarations import api as declarations_api
from reporting import api as reporting_api
from webhooks import api as webhooks_api

app_name = "api"


class SwaggerDocs(SpectacularSwaggerSplitView):
    """Swagger UI from local files, under the site-wide Content-Security-Policy: our template
    (templates/drf_spectacular/swagger_ui.html) moves the stock page's inline <style> to a file."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        # DRF exempts its views from LoginRequiredMiddleware; this one is an HTML page, so an
        # anonymous visitor is sent to the login page like for any other page.
        view.login_required = True  # type: ignore[attr-defined]
        return view


# DRF refuses NUL characters in any text field (400): the schema says so, so no client sends one.
NO_NUL = RegexValidator(r"^[^\x00]*$")


class ObtainToken(RateLimitHeaders, ObtainAuthToken):
    """POST username and password, receive {"token": "…"} for `Authorization: Token …`.

    Wrong credentials are 401 (not DRF's default 400): the request was well formed, the
    credentials were not accepted. A missing field is still 400.
    """

    # ObtainAuthToken sets no throttle at all: password guessing is limited per address and per username.
    throttle_classes = (TokenAddressThrottle, TokenUsernameThrottle)
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username and password for an API token",
        description="Send `{username, password}` as JSON; use the token as `Authorization: Token <token>`. "
        "Wrong credentials: 401. Repeated failures for one username from one address lock it out for a while "
        "(429 with Retry-After).",
        request={
            "application/json": inline_serializer(
                "TokenRequest",
                {
                    "username": serializers.CharField(max_length=150, validators=[NO_NUL]),
                    "password": serializers.CharField(style={"input_type": "password"}, validators=[NO_NUL]),
                },
            )
        },
        responses={200: inline_serializer("Token", {"token": serializers.CharField(help_text="The API token.")})},
        examples=[
            OpenApiExample("Sign in", value={"username": "official_mex", "password": "…"}, request_only=True),
            OpenApiExample("A token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}, response_only=True),
        ],
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):  # set by django-axes during authenticate()
            raise Throttled(
                wait=lockout_seconds(),
                detail=_("Too many failed sign-ins for this username from this address; try again later."),
            )
        if not valid:
            if set(serializer.errors) == {"non_field_errors"}:
                raise AuthenticationFailed(_("Unable to sign in with these credentials."))
            raise ValidationError(serializer.errors)
        return Response({"token": token_issue(user=serializer.validated_data["user"])})


urlpatterns = [
    path("auth/token/", login_not_required(ObtainToken.as_view()), name="token"),
    path("countries/", declarations_api.CountryList.as_view(), name="country-list"),
    path("declarations/", declarations_api.DeclarationList.as_view(), name="declaration-list"),
    path("declarations/<int:pk>/", declarations_api.DeclarationDetail.as_view(), name="declaration-detail"),
    path("commitments/", declarations_api.CommitmentList.as_view(), name="commitment-list"),
    path("implementations/", reporting_api.ImplementationList.as_view(), name="implementation-list"),
    path("implementations/<int:pk>/", reporting_api.ImplementationDetail.as_view(), name="implementation-detail"),
    path(
        "implementations/<int:pk>/updates/",
        reporting_api.ImplementationUpdates.as_view(),
        name="implementation-updates",
    ),
    path("updates/<int:pk>/evidence/", reporting_api.UpdateEvidence.as_view(), name="update-evidence"),
    path("updates/<int:pk>/review/", reporting_api.UpdateReview.as_view(), name="update-review"),
    path("evidence/<int:pk>/download/", reporting_api.EvidenceDownload.as_view(), name="evidence-download"),
    path("summary/", reporting_api.Summary.as_view(), name="summary"),
    path("events/", webhooks_api.EventFeed.as_view(), name="events"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", SwaggerDocs.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found),
]
