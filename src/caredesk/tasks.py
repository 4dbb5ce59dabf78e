"""The jobs' composition root: every periodic schedule, in one place, and the import that
registers every job with the queue.

The worker processes (`caredesk worker`, and the in-process worker of `caredesk serve`) import
this module; jobs that services enqueue live beside them (`core/tasks.py`, `sla/tasks.py`) and
are registered here too, so a worker can run whatever any process queued. Each job re-reads its
rows and calls a service.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.core.outbox import outbox_deliver
from caredesk.core.tasks import deliver_outbox_task
from caredesk.incidents.monitor_tasks import monitors_run_task
from caredesk.incidents.tasks import incident_fanout_task, symptom_sweep_task
from caredesk.oncall.tasks import page_escalate_task
from caredesk.sla.tasks import sla_recompute_task, sla_tick_task

__all__ = [
    "deliver_outbox_task",
    "incident_fanout_task",
    "monitors_run_task",
    "page_escalate_task",
    "sla_recompute_task",
    "sla_tick_task",
    "symptom_sweep_task",
]

SLA_SUBTICKS = (20, 40)  # seconds after each minute's tick: warnings fire within 20 s


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> int:
    """Catch up on anything a crash or a restart left behind."""
    return outbox_deliver()


@db_periodic_task(crontab(minute="*"))
def sla_tick_periodic_task() -> int:
    """The SLA sweep: every minute, plus two follow-ups inside the minute."""
    from caredesk.sla.services import sla_tick

    for delay in SLA_SUBTICKS:
        sla_tick_task.schedule(delay=delay)
    return sla_tick()


@db_periodic_task(crontab(minute="*"))
def rules_wake_task() -> int:
    """Release tickets queued until a calendar opened (e.g. developer support at 9:00)."""
    from caredesk.rules.services import rules_wake

    return rules_wake()


@db_periodic_task(crontab(minute="*"))
def pages_escalate_task() -> int:
    """Pages nobody acknowledged in their step's wait move to the next step."""
    from caredesk.oncall.services import pages_escalate_due

    return pages_escalate_due()


@db_periodic_task(crontab(minute="*"))
def incidents_symptom_task() -> int:
    """Many tickets with one symptom in a short window open a Sev 2 incident (once)."""
    from caredesk.incidents.symptoms import symptom_sweep

    return len(symptom_sweep())


@db_periodic_task(crontab(minute="*"))
def monitors_check_task() -> int:
    """Synthetic monitors whose next check is due run (each claimed once), a few at a time."""
    from caredesk.incidents.monitors import monitors_run

    return monitors_run()


@db_periodic_task(crontab(day_of_week="1", hour="2", minute="15"))
def qa_sample_week_task() -> int:
    """Monday: draw the QA sample of the ISO week that just ended (idempotent)."""
    from datetime import timedelta

    from caredesk.core import clock
    from caredesk.qa.pure import week_of
    from caredesk.qa.services import sample_week

    return sample_week(week=week_of(clock.now() - timedelta(days=7))).sampled


@db_periodic_task(crontab(minute="*/5"))
def feedback_surveys_task() -> int:
    """Satisfaction and recommendation surveys that are due go out (each claimed once)."""
    from caredesk.feedback.services import surveys_send

    return surveys_send()


@db_periodic_task(crontab(minute="23", hour="6"))
def feedback_nps_draw_task() -> int:
    """Once a day: draw this quarter's recommendation sample of organizations not yet drawn."""
    from caredesk.feedback.services import nps_draw

    return nps_draw()


@db_periodic_task(crontab(minute="*"))
def reports_rollup_task() -> int:
    """The reports' rollups read the ticket events written since the last run."""
    from caredesk.reports.rollup import advance

    return advance()


@db_periodic_task(crontab(minute="5"))
def reports_send_task() -> int:
    """Every hour: the scheduled reports that are due, from rollups brought up to date first."""
    from caredesk.reports.rollup import advance
    from caredesk.reports.schedules import reports_send

    advance()
    return reports_send()


@db_periodic_task(crontab(minute="*/15"))
def rules_time_check_task() -> int:
    """Time-based protocol checks ("unresolved after 24 hours", "true for over 48 hours")."""
    from caredesk.rules.services import rules_time_check

    return rules_time_check()


def _mail_poll() -> int:
    from django.conf import settings

    if not settings.CAREDESK_IMAP_MAILBOXES:
        return 0
    from caredesk.intake.imap import poll_all

    return poll_all(settings.CAREDESK_IMAP_MAILBOXES, move_to=settings.CAREDESK_IMAP_MOVE_TO)


@db_task()
def mail_poll_once_task() -> int:
    """One look at the mailboxes (the follow-ups inside each minute)."""
    return _mail_poll()


@db_periodic_task(crontab(minute="*"))
def mail_poll_task() -> int:
    """Fetch new mail from the configured IMAP mailboxes: every minute, and again every
    CAREDESK_IMAP_POLL_SECONDS inside it, so a safety report waits seconds, not a minute."""
    from django.conf import settings

    if not settings.CAREDESK_IMAP_MAILBOXES:
        return 0
    every = settings.CAREDESK_IMAP_POLL_SECONDS
    for delay in range(every, 60, every):
        mail_poll_once_task.schedule(delay=delay)
    return _mail_poll()


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


@db_periodic_task(crontab(minute="7"))
def contract_renewals_task() -> int:
    """Service contracts: renewal outreach 60 days before the end (once), then renewal or
    lapse after the last day. Hourly, so a stopped worker catches up soon after it starts."""
    from caredesk.devices.plans import renewals_sweep

    done = renewals_sweep()
    return done.outreach + done.renewed + done.lapsed


@db_periodic_task(crontab(minute="23"))
def certifications_warn_task() -> int:
    """Certifications lapsing within the warning window: their holders are told, once each.
    Hourly, in batches, until none is left."""
    from caredesk.training.services import certifications_warn

    total = 0
    while done := certifications_warn():
        total += done
    return total


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
