from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "caredesk.incidents"
    label = "incidents"
    verbose_name = "Incidents and the status page"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A page acknowledged anywhere (SMS reply, the signed link, the on-call screen) is the
        # incident's acknowledgement; a public update with "notify" reaches the linked
        # requesters through the worker; the desk's selection links tickets to an incident;
        # a resolution opens the root-cause review (and asks the stakeholders after Sev 1-2).
        from caredesk.incidents import fanout, linking, reviews, services
        from caredesk.oncall.services import ack_listener_register

        ack_listener_register("incidents", services.page_acknowledged)
        services.listener_register(fanout.on_timeline)
        services.listener_register(reviews.on_incident_change)
        linking.register()
        # the status page's cache, subscribers and webhooks
        from caredesk.incidents import subscriptions

        subscriptions.register()
