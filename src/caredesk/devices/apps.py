from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "caredesk.devices"
    label = "devices"
    verbose_name = "Devices and warranty"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caredesk.devices import wiring

        wiring.register()  # asset facts for the rules, device plans for the SLA; key rotation
