from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "caredesk.feedback"
    label = "feedback"
    verbose_name = "Customer feedback (CSAT and NPS)"
    default_auto_field = "django.db.models.BigAutoField"
