from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.delivery_list, name="delivery-list"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery-resend"),
]
