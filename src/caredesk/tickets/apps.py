from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "caredesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from caredesk.core.confcache import bump_on_change
        from caredesk.tickets.models import CustomStatus
        from caredesk.tickets.services.statuses import CONFIG

        bump_on_change(CONFIG, CustomStatus)
