from django.urls import path

from commitments import dashboard_views, import_views, views

app_name = "commitments"

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
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("rounds/", dashboard_views.round_list, name="round-list"),
    path("rounds/<int:pk>/", dashboard_views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/close/", dashboard_views.round_close, name="round-close"),
    path("public/", dashboard_views.public_summary, name="public-summary"),
    path("countries/<str:iso3>/spreadsheet.xlsx", import_views.spreadsheet_xlsx, name="spreadsheet-xlsx"),
    path("countries/<str:iso3>/spreadsheet.csv", import_views.spreadsheet_csv, name="spreadsheet-csv"),
    path("import/", import_views.import_upload, name="import-upload"),
    path("import/confirm/", import_views.import_confirm, name="import-confirm"),
]
