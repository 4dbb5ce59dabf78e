from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "caredesk.training"
    label = "training"
    verbose_name = "Training and certification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Gated categories go only to certified agents; the uncertified work them in assisted
        # mode (their public replies are held); a new firmware version forces recertification.
        from caredesk.core.confcache import bump_on_change
        from caredesk.core.products import firmware_listener_register
        from caredesk.tickets.services.assignment import (
            assignment_guard_register,
            reply_hold_register,
        )
        from caredesk.training import selectors, services
        from caredesk.training.models import Skill

        bump_on_change(selectors.GATES, Skill)
        assignment_guard_register("training", services.gate_refusal)
        reply_hold_register("training", services.reply_hold, services.reply_keep)
        firmware_listener_register("training", services.firmware_changed)
