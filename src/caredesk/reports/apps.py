from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caredesk.reports"
    label = "reports"
    verbose_name = "Reports and KPIs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caredesk.reports.rollup import tickets_forget
        from caredesk.tickets.services.erasure import tickets_deleting

        # a deleted ticket's rows behind the figures go with it; the figures stay as counted
        tickets_deleting.register("reports", tickets_forget)
