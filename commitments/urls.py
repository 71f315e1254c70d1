from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:iso3>/", views.country_detail, name="country-detail"),
]
