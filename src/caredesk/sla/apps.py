from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "caredesk.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from caredesk.core.confcache import bump_on_change
        from caredesk.sla.keeper import SlaClocks
        from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
        from caredesk.tickets.services.clocks import clock_keeper_register

        bump_on_change("sla", SlaPolicy, SlaTarget, Calendar)
        clock_keeper_register(SlaClocks())
