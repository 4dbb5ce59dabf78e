from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "caredesk.portal"
    label = "portal"
    verbose_name = "Customer portal"
