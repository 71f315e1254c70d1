from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:pk>/", views.notification_open, name="notification-open"),
    path("read-all/", views.notification_mark_all_read, name="mark-all-read"),
    path("preferences/", views.preferences, name="preferences"),
]
