from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "caredesk.chat"
    label = "chat"
    verbose_name = "Live chat"
