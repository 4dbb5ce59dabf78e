from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caredesk.core"
    label = "core"
    verbose_name = "CareDesk core"

    def ready(self) -> None:
        # Register the outbox's job with the queue in every process (web and worker); the
        # workers import caredesk.tasks, which registers the other jobs and the schedules.
        from caredesk.core import checks, tasks  # noqa: F401
