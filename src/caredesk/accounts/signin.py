"""Two-step sign-in and session ending: enrolment, codes, resets, "sign out everywhere".

Staff (and anyone in a desk role) must use an authenticator app; requesters may choose to.
Secrets and recovery codes are shown once; recovery codes are kept only as digests.
"""

from __future__ import annotations

import logging
import secrets

from django.db import transaction

from caredesk.accounts import totp
from caredesk.accounts.capabilities import guarded_strictly
from caredesk.accounts.models import RecoveryCode, SecondFactor, User
from caredesk.accounts.roles import ROLE_PERMISSIONS
from caredesk.compliance import audit
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied, ValidationFailed

log = logging.getLogger(__name__)

METHOD_TOTP = "totp"
METHOD_RECOVERY = "recovery"
BAD_CODE = "That code did not match. Type the 6-digit code your app shows now, or a recovery code."


def mfa_role(user: User) -> bool:
    """Whether the person works the desk (staff or any desk role): a second factor is a must."""
    if guarded_strictly(user):
        return True
    return user.groups.filter(name__in=ROLE_PERMISSIONS).exists()


def mfa_required(user: User) -> bool:
    """Whether signing in takes a second step: desk staff always, others once enrolled."""
    return mfa_role(user) or mfa_enrolled(user)


def mfa_enrolled(user: User) -> bool:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def mfa_start(*, user: User) -> SecondFactor:
    """The authenticator being set up: an unconfirmed secret, kept across page loads."""
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is not None and factor.confirmed:
        raise ValidationFailed("Two-step sign-in is already set up for this account.")
    if factor is None:
        factor = SecondFactor.objects.create(
            user=user, secret=totp.new_secret(), created_at=clock.now()
        )
    return factor


def _new_codes(user: User) -> list[str]:
    now = clock.now()
    RecoveryCode.objects.filter(user=user).delete()
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=totp.recovery_digest(code), created_at=now) for code in codes
    )
    return codes


@transaction.atomic
def mfa_confirm(*, user: User, code: str) -> list[str]:
    """Finish enrolment with a code from the app; returns the recovery codes (shown once)."""
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is None or factor.confirmed:
        raise ValidationFailed("Start setting up two-step sign-in again.")
    step = totp.matching_step(
        factor.secret, code, timestamp=clock.now().timestamp(), last_step=factor.last_step
    )
    if step is None:
        raise ValidationFailed(BAD_CODE, errors={"code": [BAD_CODE]})
    factor.confirmed_at = clock.now()
    factor.last_step = step
    factor.save(update_fields=["confirmed_at", "last_step"])
    _audited(AuditAction.ACCOUNT_CHANGED, user=user, actor=user, fields=["second_factor"])
    log.info("two-step sign-in set up for user %s", user.pk)
    return _new_codes(user)


@transaction.atomic
def mfa_verify(*, user: User, code: str) -> str:
    """Check a sign-in's second step: an app code (not used before) or an unused recovery code.

    Returns the method used; raises ValidationFailed for anything else.
    """
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is None or not factor.confirmed:
        raise ValidationFailed("Two-step sign-in is not set up for this account.")
    step = totp.matching_step(
        factor.secret, code, timestamp=clock.now().timestamp(), last_step=factor.last_step
    )
    if step is not None:
        factor.last_step = step
        factor.save(update_fields=["last_step"])
        return METHOD_TOTP
    if totp.looks_like_recovery_code(code):
        used = RecoveryCode.objects.filter(
            user=user, digest=totp.recovery_digest(code), used_at__isnull=True
        ).update(used_at=clock.now())
        if used:
            log.info("recovery code used by user %s", user.pk)
            return METHOD_RECOVERY
    raise ValidationFailed(BAD_CODE, errors={"code": [BAD_CODE]})


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace all recovery codes with ten new ones (shown once); the old ones stop working."""
    if not mfa_enrolled(user):
        raise ValidationFailed("Set up two-step sign-in first.")
    log.info("recovery codes renewed for user %s", user.pk)
    return _new_codes(user)


@transaction.atomic
def mfa_disable(*, user: User, code: str) -> None:
    """A requester turns two-step sign-in off (with a current code); staff cannot."""
    if mfa_role(user):
        raise PermissionDenied("Staff accounts must keep two-step sign-in.")
    mfa_verify(user=user, code=code)
    SecondFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _audited(AuditAction.ACCOUNT_CHANGED, user=user, actor=user, fields=["second_factor"])
    log.info("two-step sign-in turned off by user %s", user.pk)


@transaction.atomic
def mfa_reset(*, user: User, actor: User) -> None:
    """An administrator removes someone's authenticator and recovery codes (a lost phone).

    Their sessions end too; staff set up a new authenticator at their next sign-in.
    """
    SecondFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _rotate_session_token(user)
    _audited(AuditAction.MFA_RESET, user=user, actor=actor, fields=["second_factor", "sessions"])
    log.info("two-step sign-in of user %s reset by user %s", user.pk, actor.pk)


@transaction.atomic
def sessions_end_all(*, user: User, actor: User) -> None:
    """End every session of the person, on every device (their own or an admin's request)."""
    _rotate_session_token(user)
    _audited(AuditAction.ACCOUNT_CHANGED, user=user, actor=actor, fields=["sessions"])
    log.info("all sessions of user %s ended by user %s", user.pk, actor.pk)


@transaction.atomic
def password_change(*, user: User, password: str) -> None:
    """Set a new password (already validated); every session signed with the old one ends."""
    user.set_password(password)
    user.save(update_fields=["password"])
    _audited(AuditAction.ACCOUNT_CHANGED, user=user, actor=user, fields=["password", "sessions"])
    log.info("password changed for user %s", user.pk)


def _audited(action: str, *, user: User, actor: User, fields: list[str]) -> None:
    """The access audit's entry for a change to someone's sign-in (names, never secrets)."""
    audit.record(action=action, actor=actor, object_type="user", object_id=user.pk, fields=fields)


def _rotate_session_token(user: User) -> None:
    user.session_token = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_token=user.session_token)


def desk_role_granted(
    sender: object,
    instance: object,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: object,
) -> None:
    """A person who did not work the desk is given a desk role: their open sessions passed no
    second step (none was needed), so they end; the next sign-in asks for it."""
    from django.contrib.auth.models import Group

    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        if not isinstance(instance, Group) or instance.name not in ROLE_PERMISSIONS:
            return
        user_ids = set(pk_set)
    else:  # user.groups.add(...)
        if not isinstance(instance, User):
            return
        if not Group.objects.filter(pk__in=pk_set, name__in=ROLE_PERMISSIONS).exists():
            return
        user_ids = {instance.pk}
    newly_desk = User.objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False).exclude(
        groups__name__in=ROLE_PERMISSIONS
    )
    for user in newly_desk:
        _rotate_session_token(user)
        log.info("sessions of user %s ended: a desk role was granted", user.pk)
