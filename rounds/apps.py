from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = "Rounds"

    def ready(self) -> None:
        from core.schedule import daily_job
        from rounds.services import reminders_send

        daily_job("send_reminders", lambda today: reminders_send(today=today))
