from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "caredesk.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # The outbox delivers these kinds through us (core knows no integrations).
        from caredesk.core.models import OutboxKind
        from caredesk.core.outbox import handler_register
        from caredesk.integrations import rule_actions, services

        handler_register(
            OutboxKind.WEBHOOK,
            send=services.webhook_send,
            settle=services.webhook_settled,
            ticket=services.webhook_ticket,
        )
        handler_register(
            OutboxKind.TRACKER,
            send=services.tracker_send,
            settle=services.tracker_settled,
            ticket=services.tracker_ticket,
        )
        # ... and the protocols' actions that open tracker issues or call webhooks.
        rule_actions.register()
