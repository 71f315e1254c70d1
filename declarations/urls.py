from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="declaration-list"),
    path("<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("<int:pk>/text/", views.declaration_text, name="declaration-text"),
    path("<int:pk>/translation/", views.declaration_translation_upload, name="declaration-translation-upload"),
    path("upload/", views.declaration_upload, name="declaration-upload"),
    path("upload/confirm/", views.declaration_upload_confirm, name="declaration-upload-confirm"),
]
