from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "caredesk.incidents"
    label = "incidents"
    verbose_name = "Incidents and the status page"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caredesk.incidents import subscriptions

        subscriptions.register()  # the status page's cache, subscribers and webhooks
