"""/api/v1/: the REST API. Its paths are an interface other programs rely on: keep them stable."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from commitments import api as commitments_api
from declarations import api as declarations_api
from rcm_tracker.api import not_found

app_name = "api"


class ObtainToken(ObtainAuthToken):
    """POST username and password, receive {"token": "…"} for `Authorization: Token …`."""

    throttle_scope = "token"


urlpatterns = [
    path("auth/token/", login_not_required(ObtainToken.as_view()), name="token"),
    path("countries/", declarations_api.CountryList.as_view(), name="country-list"),
    path("declarations/", declarations_api.DeclarationList.as_view(), name="declaration-list"),
    path("declarations/<int:pk>/", declarations_api.DeclarationDetail.as_view(), name="declaration-detail"),
    path("commitments/", declarations_api.CommitmentList.as_view(), name="commitment-list"),
    path("implementations/", commitments_api.ImplementationList.as_view(), name="implementation-list"),
    path("implementations/<int:pk>/", commitments_api.ImplementationDetail.as_view(), name="implementation-detail"),
    path(
        "implementations/<int:pk>/updates/",
        commitments_api.ImplementationUpdates.as_view(),
        name="implementation-updates",
    ),
    path("updates/<int:pk>/evidence/", commitments_api.UpdateEvidence.as_view(), name="update-evidence"),
    path("evidence/<int:pk>/download/", commitments_api.EvidenceDownload.as_view(), name="evidence-download"),
    path("summary/", commitments_api.Summary.as_view(), name="summary"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    re_path(r"^.*$", not_found),
]
