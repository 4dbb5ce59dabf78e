# Complaint files get a retention class, with a rule of the configured length (7 years).

from django.conf import settings
from django.db import migrations, models


def complaint_rule(apps, schema_editor):
    rule = apps.get_model("governance", "RetentionRule")
    rule.objects.get_or_create(
        record_class="complaint_files",
        defaults={"keep_days": settings.CAREDESK_COMPLAINT_RETENTION_DAYS},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_subject_request_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="retentionrule",
            name="record_class",
            field=models.CharField(
                choices=[
                    ("closed_tickets", "Solved and closed tickets (messages, attachments)"),
                    ("received_mail", "Received mail (handled)"),
                    ("quarantine", "Quarantined mail"),
                    ("chat_sessions", "Chat sessions (transcript lines and uploads)"),
                    ("phone_calls", "Phone call records (and recording links)"),
                    ("outbox_mail", "Outgoing mail copies (sent or failed)"),
                    ("complaint_files", "Closed complaint files (and their versions)"),
                ],
                max_length=32,
                unique=True,
            ),
        ),
        migrations.RunPython(complaint_rule, migrations.RunPython.noop),
    ]
