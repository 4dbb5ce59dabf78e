from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "caredesk.accounts"
    label = "accounts"
    verbose_name = "People and organizations"

    def ready(self) -> None:
        from caredesk.accounts import checks  # noqa: F401 - registers the system checks
        from caredesk.accounts.roles import ensure_roles

        # Setup, not domain flow: roles need the permissions that migrate just created.
        post_migrate.connect(ensure_roles, dispatch_uid="caredesk.ensure_roles")
