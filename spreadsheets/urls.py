from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"

urlpatterns = [
    path("countries/<str:iso3>/spreadsheet.xlsx", views.spreadsheet_xlsx, name="spreadsheet-xlsx"),
    path("countries/<str:iso3>/spreadsheet.csv", views.spreadsheet_csv, name="spreadsheet-csv"),
    path("import/", views.import_upload, name="import-upload"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
]
