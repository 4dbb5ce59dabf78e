from django.apps import AppConfig


class SelfserveConfig(AppConfig):
    name = "caredesk.selfserve"
    label = "selfserve"
    verbose_name = "Public help pages"
