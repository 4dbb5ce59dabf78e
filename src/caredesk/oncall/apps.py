from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "caredesk.oncall"
    label = "oncall"
    verbose_name = "On call"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox delivers SMS and voice pages through us; the rules page through us.
        from caredesk.core.models import OutboxKind
        from caredesk.core.outbox import handler_register
        from caredesk.oncall import delivery, services
        from caredesk.rules.actions import pager_register

        handler_register(OutboxKind.SMS, send=delivery.sms_send, settle=delivery.settled)
        handler_register(OutboxKind.VOICE, send=delivery.voice_send, settle=delivery.settled)
        pager_register(services.page_for_rule)
