from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "caredesk.complaints"
    label = "complaints"
    verbose_name = "Complaint files"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caredesk.complaints import records, rule_actions

        records.register()  # retention of closed files; key rotation of the complainant
        rule_actions.register()  # the protocols' `open_complaint`
