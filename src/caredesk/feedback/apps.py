from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "caredesk.feedback"
    label = "feedback"
    verbose_name = "Customer feedback (CSAT and NPS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A solved ticket books its satisfaction survey (in the change's own transaction).
        from caredesk.feedback.watcher import SurveyWatcher
        from caredesk.tickets.services.reactions import watcher_register

        watcher_register("satisfaction surveys", SurveyWatcher())
