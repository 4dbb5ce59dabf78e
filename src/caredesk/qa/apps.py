from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "caredesk.qa"
    label = "qa"
    verbose_name = "Quality assurance"
    default_auto_field = "django.db.models.BigAutoField"
