"""Custom statuses: the desk's own names for the built-in categories, with a default each;
tickets in a category take its default."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from caredesk.tickets.defaults import install_default_statuses


def defaults(apps: Any, schema_editor: Any) -> None:
    CustomStatus = apps.get_model("tickets", "CustomStatus")  # noqa: N806
    Ticket = apps.get_model("tickets", "Ticket")  # noqa: N806
    install_default_statuses(CustomStatus)
    for status in CustomStatus.objects.filter(default=True):
        Ticket.objects.filter(status=status.category).update(custom_status=status)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_received_via"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomStatus",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("agent_label", models.CharField(max_length=60)),
                (
                    "requester_label",
                    models.CharField(
                        help_text="What the requester sees, in the portal and in mails.",
                        max_length=60,
                    ),
                ),
                ("description", models.CharField(blank=True, default="", max_length=300)),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("pending", "Pending"),
                            ("on_hold", "On hold"),
                            ("solved", "Solved"),
                        ],
                        max_length=16,
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                ("default", models.BooleanField(default=False)),
                ("position", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "custom statuses",
                "ordering": ["position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("default", True)),
                        fields=("category",),
                        name="customstatus_one_default",
                    ),
                    models.UniqueConstraint(
                        fields=("agent_label",), name="customstatus_label_uniq"
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="ticket",
            name="custom_status",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tickets",
                to="tickets.customstatus",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["custom_status", "updated_at", "id"], name="ticket_custom_status_idx"
            ),
        ),
        migrations.RunPython(defaults, migrations.RunPython.noop),
    ]
