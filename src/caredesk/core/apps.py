from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caredesk.core"
    label = "core"
    verbose_name = "CareDesk core"

    def ready(self) -> None:
        # Register the outbox's job with the queue in every process (web and worker); the
        # workers import caredesk.tasks, which registers the other jobs and the schedules.
        from caredesk.core import checks, tasks  # noqa: F401
        from caredesk.core.models import OutboxKind
        from caredesk.core.outbox import email_send, handler_register, waker_register

        handler_register(OutboxKind.EMAIL, send=email_send)
        waker_register(tasks.wake_outbox)  # the outbox asks the job queue without importing it
