from django.urls import path

from rounds import views

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("<int:pk>/", views.round_detail, name="round-detail"),
    path("<int:pk>/close/", views.round_close, name="round-close"),
]
