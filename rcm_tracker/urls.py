from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from accounts.views import LoginView, LogoutView, PasswordChangeView, language_set
from core.api import not_found as api_not_found
from rcm_tracker import views

admin.site.site_header = _("RCM Commitment Tracker — administration")
admin.site.site_title = _("RCM Commitment Tracker")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="declarations:declaration-list"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password-change"),
    path("declarations/", include("declarations.urls")),
    # The spreadsheet paths sit under /countries/<ISO3>/ beside the country page, so they come first.
    path("", include("spreadsheets.urls")),
    path("", include("reporting.urls")),
    path("", include("dashboards.urls")),
    path("rounds/", include("rounds.urls")),
    path("audit/", include("audit.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("rcm_tracker.api_urls")),
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
]
