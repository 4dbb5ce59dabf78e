from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "caredesk.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from caredesk.compliance import checks  # noqa: F401
        from caredesk.compliance.access import signed_in, signed_out

        user_logged_in.connect(signed_in, dispatch_uid="caredesk-audit-signed-in")
        user_logged_out.connect(signed_out, dispatch_uid="caredesk-audit-signed-out")
