from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "caredesk.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from caredesk.intake import records
        from caredesk.intake.models import VideoFailure
        from caredesk.tickets.services.keys import Sealed, sealed_register

        # the reported session IDs are encrypted: key rotation re-encrypts them too
        sealed_register(
            Sealed(
                "video sessions",
                VideoFailure,
                ("session_id",),
                index_part="video search indexes",
            )
        )
        # received mail: what governance exports, erases and purges of it
        records.register()
        from caredesk.intake.services import watch_own_addresses

        watch_own_addresses()
