from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from rcm_tracker import views

admin.site.site_header = "RCM Commitment Tracker — administration"
admin.site.site_title = "RCM Commitment Tracker"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="declarations:declaration-list"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("declarations/", include("declarations.urls")),
    path("", include("commitments.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
