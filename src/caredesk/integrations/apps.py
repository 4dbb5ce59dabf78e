from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "caredesk.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from caredesk.integrations import rule_actions

        rule_actions.register()
