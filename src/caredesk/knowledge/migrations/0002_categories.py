"""The help centre's first categories (a fresh install has them; administrators change them in
the admin)."""

from django.db import migrations

CATEGORIES = [
    ("Getting started", "getting-started", "Accounts, first sign-in and the portal."),
    ("Video visits", "video-visits", "Camera, microphone, connection and joining a visit."),
    ("Devices", "devices", "Home monitors, stimulators, consoles: set-up, readings and errors."),
    ("Accounts and sign-in", "accounts", "Passwords, two-step sign-in and clinic users."),
    ("Billing and programs", "billing", "Invoices, subscriptions and incentive programs."),
    ("Desk procedures", "desk-procedures", "How the support team handles requests (internal)."),
]


def install(apps, schema_editor):
    Category = apps.get_model("knowledge", "Category")
    for position, (name, slug, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
