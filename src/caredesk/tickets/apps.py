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
        from caredesk.tickets.services import merge

        merge.register()
        from caredesk.tickets.services.checklists import checklist_guard
        from caredesk.tickets.services.guards import solve_guard_register
        from caredesk.tickets.services.tasks import tasks_guard

        solve_guard_register("tasks", tasks_guard)
        solve_guard_register("checklist", checklist_guard)
