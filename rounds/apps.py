from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = "Rounds"

    def ready(self) -> None:
        from core.schedule import daily_job
        from rounds.reminders import send_reminders

        daily_job("send_reminders", lambda today: send_reminders(today=today))
