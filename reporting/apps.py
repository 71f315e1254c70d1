from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from declarations import signals
        from reporting import receivers

        signals.declaration_changing.connect(receivers.guard_recorded_reports, dispatch_uid="reporting-guard")
        signals.declaration_changed.connect(receivers.sync_implementations, dispatch_uid="reporting-sync")
        signals.structure_changed.connect(receivers.recount_tallies, dispatch_uid="reporting-recount")
