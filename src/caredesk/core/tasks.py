"""The task shim: the only place that knows jobs run on Huey.

Services call these functions after commit; periodic schedules are declared here, in one place.
"""

from __future__ import annotations

from typing import Any

from huey import crontab, signals
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, signal

from caredesk.core import logs
from caredesk.core.outbox import outbox_deliver

SLA_SUBTICKS = (20, 40)  # seconds after each minute's tick: warnings fire within 20 s


@db_task()
def deliver_outbox_task() -> int:
    return outbox_deliver()


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


# --- what the metrics report about jobs (caredesk.monitoring) ------------------------------------

FAILURE_KEY = "failed:"


@signal(signals.SIGNAL_EXECUTING)
def _job_started(sig: str, task: Any, *args: Any) -> None:
    logs.job_started(task.name, task.id)


@signal(
    signals.SIGNAL_COMPLETE,
    signals.SIGNAL_ERROR,
    signals.SIGNAL_CANCELED,
    signals.SIGNAL_INTERRUPTED,
    signals.SIGNAL_LOCKED,
    signals.SIGNAL_TIMEOUT,
    signals.SIGNAL_RATE_LIMITED,
)
def _job_ended(sig: str, task: Any, *args: Any) -> None:
    if sig == signals.SIGNAL_ERROR:
        # Counted in the queue's own storage (Redis, or the embedded SQLite file), so every web
        # process reports the same desk-wide count whichever worker the job failed on.
        HUEY.storage.incr(FAILURE_KEY + task.name)
    logs.job_ended()


def jobs_waiting() -> tuple[int, int]:
    """Jobs queued to run now, and jobs scheduled for later."""
    return HUEY.pending_count(), HUEY.scheduled_count()


def job_failures() -> dict[str, int]:
    """Failed job runs since the queue's storage was created, by task name."""
    storage = HUEY.storage
    if hasattr(storage, "conn") and hasattr(storage, "counter_key"):  # Redis: one hash
        raw = storage.conn.hgetall(storage.counter_key)
        counts = {k.decode(): int(v) for k, v in raw.items()}
    elif hasattr(storage, "sql"):  # SQLite: a table of counters
        rows = storage.sql(
            "select key, value from counter where queue = ?", (storage.name,), results=True
        )
        counts = {str(k): int(v) for k, v in rows}
    else:  # in memory (tests run jobs in the process)
        counts = dict(getattr(storage, "_counters", {}))
    return {k[len(FAILURE_KEY) :]: v for k, v in counts.items() if k.startswith(FAILURE_KEY)}
