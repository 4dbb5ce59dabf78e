from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caredesk.reports"
    label = "reports"
    verbose_name = "Reports and KPIs"
    default_auto_field = "django.db.models.BigAutoField"
