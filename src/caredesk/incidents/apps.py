from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "caredesk.incidents"
    label = "incidents"
    verbose_name = "Incidents and the status page"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caredesk.incidents import reviews, services

        # a resolution opens the root-cause review (and asks the stakeholders after Sev 1-2)
        services.listener_register(reviews.on_incident_change)
