from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "caredesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from caredesk.tickets.services import merge

        merge.register()
