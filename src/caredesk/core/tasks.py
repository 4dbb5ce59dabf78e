"""The task shim: the only place that knows jobs run on Huey.

Services call these functions after commit; periodic schedules are declared here, in one place.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.core.outbox import outbox_deliver

SLA_SUBTICKS = (20, 40)  # seconds after each minute's tick: warnings fire within 20 s


@db_task()
def deliver_outbox_task(ids: list[int] | None = None) -> None:
    # returns nothing: a result would be kept in the queue's storage, unread, for every commit
    outbox_deliver(ids=ids)


def wake_outbox(ids: list[int], delay: float) -> None:
    """Deliver these outbox items now (after a commit) or when their retry is due."""
    if delay > 0:
        deliver_outbox_task.schedule(args=(ids,), delay=delay)
    else:
        deliver_outbox_task(ids)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> int:
    """Catch up on anything a crash or a restart left behind."""
    return outbox_deliver()


@db_task()
def sla_tick_task() -> int:
    from caredesk.sla.services import sla_tick

    return sla_tick()


@db_periodic_task(crontab(minute="*"))
def sla_tick_periodic_task() -> int:
    """The SLA sweep: every minute, plus two follow-ups inside the minute."""
    from caredesk.sla.services import sla_tick

    for delay in SLA_SUBTICKS:
        sla_tick_task.schedule(delay=delay)
    return sla_tick()


@db_task()
def sla_recompute_task() -> int:
    from caredesk.sla.services import sla_recompute_open

    return sla_recompute_open()


@db_periodic_task(crontab(minute="*"))
def rules_wake_task() -> int:
    """Release tickets queued until a calendar opened (e.g. developer support at 9:00)."""
    from caredesk.rules.services import rules_wake

    return rules_wake()


@db_periodic_task(crontab(minute="*/15"))
def rules_time_check_task() -> int:
    """Time-based protocol checks ("unresolved after 24 hours", "true for over 48 hours")."""
    from caredesk.rules.services import rules_time_check

    return rules_time_check()


@db_periodic_task(crontab(minute="*"))
def mail_poll_task() -> int:
    """Fetch new mail from the configured IMAP mailboxes."""
    from django.conf import settings

    if not settings.CAREDESK_IMAP_MAILBOXES:
        return 0
    from caredesk.intake.imap import poll_all

    return poll_all(settings.CAREDESK_IMAP_MAILBOXES, move_to=settings.CAREDESK_IMAP_MOVE_TO)


@db_periodic_task(crontab(minute="*"))
def chat_sweep_task() -> int:
    """Waiting chats nobody will answer live end on their own; gone agents are set away."""
    from caredesk.chat.services import chat_sweep

    return chat_sweep()


@db_periodic_task(crontab(minute="*/15"))
def audit_checkpoint_task() -> int:
    """Sign the access audit's newest entry into the checkpoint file (if it is new)."""
    from caredesk.compliance.checkpoints import checkpoint_now

    written = checkpoint_now()
    return written.seq if written else 0


@db_periodic_task(crontab(minute="30", hour="3"))
def audit_purge_task() -> int:
    """Drop access-audit entries older than the retention period, once a day."""
    from caredesk.compliance.retention import audit_purge

    return audit_purge()


@db_periodic_task(crontab(minute="17", hour="3"))
def retention_purge_task() -> int:
    """Every night: delete what is past its retention period and under no legal hold."""
    from caredesk.governance.services.retention import retention_purge

    return sum(p.total for p in retention_purge())


@db_periodic_task(crontab(minute="47", hour="3"))
def sessions_clear_task() -> None:
    """Remove sessions past their lifetime from the session table (nightly)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
