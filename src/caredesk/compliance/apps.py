from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "caredesk.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from caredesk.compliance import checks  # noqa: F401
