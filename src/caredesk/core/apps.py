from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caredesk.core"
    label = "core"
    verbose_name = "CareDesk core"

    def ready(self) -> None:
        # Register the job functions with the queue in every process (web and worker).
        from caredesk.core import checks, tasks  # noqa: F401
