from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:iso3>/", views.country_detail, name="country-detail"),
    path("implementations/<int:pk>/", views.implementation_detail, name="implementation-detail"),
    path("implementations/<int:pk>/report/", views.implementation_report, name="implementation-report"),
    path("review/", views.review_queue, name="review-queue"),
    path("updates/<int:pk>/review/", views.update_review, name="update-review"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path("commitments/<int:pk>/regional/", views.commitment_follow_regionally, name="commitment-regional"),
]
