from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from declarations.signals import declaration_changed
        from reporting.signals import update_reported, update_reviewed
        from rounds.signals import round_closed, round_opened
        from webhooks import receivers

        update_reported.connect(receivers.update_reported, dispatch_uid="webhooks-reported")
        update_reviewed.connect(receivers.update_reviewed, dispatch_uid="webhooks-reviewed")
        declaration_changed.connect(receivers.declaration_loaded, dispatch_uid="webhooks-declaration")
        round_opened.connect(receivers.round_opened, dispatch_uid="webhooks-round-opened")
        round_closed.connect(receivers.round_closed, dispatch_uid="webhooks-round-closed")
