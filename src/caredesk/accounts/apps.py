from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class AccountsConfig(AppConfig):
    name = "caredesk.accounts"
    label = "accounts"
    verbose_name = "People and organizations"

    def ready(self) -> None:
        from caredesk.accounts import checks  # noqa: F401 - registers the system checks
        from caredesk.accounts.capabilities import is_staff_member
        from caredesk.accounts.models import User
        from caredesk.accounts.roles import ensure_roles
        from caredesk.accounts.signin import desk_role_granted
        from caredesk.core.access import staff_check_register

        # Setup, not domain flow: roles need the permissions that migrate just created.
        staff_check_register(is_staff_member)
        post_migrate.connect(ensure_roles, dispatch_uid="caredesk.ensure_roles")
        # A session that needed no second step must not outlive the grant of a desk role.
        m2m_changed.connect(
            desk_role_granted, sender=User.groups.through, dispatch_uid="caredesk.desk_role"
        )
