from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from audit import sentences
        from declarations import signals
        from reporting import receivers
        from reporting.models import Status

        sentences.STATUS_LABELS.update(Status.choices)  # the trail's sentences name statuses as pages do
        signals.declaration_changing.connect(receivers.guard_recorded_reports, dispatch_uid="reporting-guard")
        signals.declaration_changed.connect(receivers.sync_implementations, dispatch_uid="reporting-sync")
        signals.structure_changed.connect(receivers.recount_tallies, dispatch_uid="reporting-recount")
