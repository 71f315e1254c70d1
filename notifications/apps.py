from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications import receivers
        from reporting.signals import update_reviewed

        update_reviewed.connect(receivers.review_written, dispatch_uid="notifications-review")

        from core.schedule import daily_job
        from notifications.services import send_digest

        daily_job("send_digest", lambda today: send_digest(today=today))
