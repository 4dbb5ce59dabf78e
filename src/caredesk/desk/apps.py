from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "caredesk.desk"
    label = "desk"
    verbose_name = "Agent desk"

    def ready(self) -> None:
        from caredesk.core.agent_pages import sidebar_register
        from caredesk.desk.views import _sidebar

        sidebar_register(_sidebar)
