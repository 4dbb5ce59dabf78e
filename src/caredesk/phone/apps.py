from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "caredesk.phone"
    label = "phone"
    verbose_name = "Phone"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from caredesk.accounts.models import Contact
        from caredesk.phone import records
        from caredesk.phone.services import contact_saved

        post_save.connect(contact_saved, sender=Contact, dispatch_uid="phone.contact_saved")
        records.register()  # calls and numbers: what governance exports, erases and purges
