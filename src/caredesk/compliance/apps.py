from typing import Any

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "caredesk.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import m2m_changed

        from caredesk.compliance import checks  # noqa: F401
        from caredesk.compliance.access import outbox_replayed, signed_in, signed_out
        from caredesk.core.outbox import replay_listen

        user_logged_in.connect(signed_in, dispatch_uid="caredesk-audit-signed-in")
        user_logged_out.connect(signed_out, dispatch_uid="caredesk-audit-signed-out")
        replay_listen(outbox_replayed)  # deliveries sent again are recorded

        # cache invalidation only: a changed role is recorded as it is from the next access on
        m2m_changed.connect(
            _groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="caredesk.audit_roles",
        )


def _groups_changed(instance: Any, reverse: bool, pk_set: Any, **_: Any) -> None:
    from caredesk.compliance.audit import forget_role

    if reverse:  # a group's members changed
        for pk in pk_set if pk_set is not None else list(_all_cached()):
            forget_role(pk)
    else:
        forget_role(instance.pk)


def _all_cached() -> Any:
    from caredesk.compliance.audit import _roles

    return _roles.keys()
