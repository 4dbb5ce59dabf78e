"""Access reviews: signing off a staff account's roles, and deactivating an account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest

from caredesk.accounts.capabilities import is_staff_member
from caredesk.accounts.models import ApiToken, User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.governance.models import AccessReview
from caredesk.governance.pure import DAY


def _roles(account: User) -> list[str]:
    return sorted(account.groups.values_list("name", flat=True))


def _refuse_self(*, account: User, actor: User, what: str) -> None:
    if account.pk == actor.pk:
        raise ValidationFailed(
            f"You cannot {what} your own account.",
            errors={"account": [f"Another reviewer must {what} your account."]},
        )


@transaction.atomic
def access_review_sign(
    *, account: User, actor: User, request: HttpRequest | None = None
) -> AccessReview:
    """Sign off an account's current roles for this review cycle (once per cycle)."""
    _refuse_self(account=account, actor=actor, what="sign off")
    if not is_staff_member(account):
        raise ValidationFailed(
            "Only active staff accounts are reviewed.",
            errors={"account": ["This account is not an active staff account."]},
        )
    now = clock.now()
    roles = _roles(account)
    last = AccessReview.objects.filter(account=account).order_by("-signed_at").first()
    cycle = settings.CAREDESK_ACCESS_REVIEW_DAYS * DAY
    if last is not None and now - last.signed_at < cycle and last.roles == roles:
        raise ValidationFailed(
            "This account's roles are already signed off for this cycle.",
            errors={"account": [f"Signed off on {last.signed_at:%Y-%m-%d}; no change since."]},
        )
    review = AccessReview.objects.create(
        account=account,
        reviewer=actor,
        roles=roles,
        teams=sorted(account.teams.values_list("name", flat=True)),
        superuser=account.is_superuser,
        signed_at=now,
    )
    record(
        action=AuditAction.ACCESS_REVIEWED,
        actor=actor,
        request=request,
        object_type="user",
        object_id=account.pk,
        fields=["roles", "teams"],
    )
    return review


def account_lock_out(account: User) -> int:
    """End the account's stored sessions and revoke its API tokens; returns sessions ended.

    An inactive user is refused by every door anyway; this leaves nothing to come back to.
    """
    ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=clock.now())
    ended = []
    key = str(account.pk)
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        data: dict[str, Any] = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == key:
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def account_deactivate(
    *, account: User, actor: User, reason: str = "", request: HttpRequest | None = None
) -> int:
    """Deactivate a staff account: no sign-in, its sessions end, its API tokens are revoked.

    Returns how many sessions were ended.
    """
    _refuse_self(account=account, actor=actor, what="deactivate")
    if account.is_superuser and not actor.is_superuser:
        raise ValidationFailed(
            "Only a superuser can deactivate a superuser.",
            errors={"account": ["This account is a superuser."]},
        )
    if not account.is_active:
        raise ValidationFailed(
            "This account is already deactivated.", errors={"account": ["Already deactivated."]}
        )
    User.objects.filter(pk=account.pk).update(is_active=False)
    account.is_active = False
    ended = account_lock_out(account)
    record(
        action=AuditAction.ACCOUNT_DEACTIVATED,
        actor=actor,
        request=request,
        object_type="user",
        object_id=account.pk,
        fields=["is_active"],
        reason=reason,
    )
    return ended
