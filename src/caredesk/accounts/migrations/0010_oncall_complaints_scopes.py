"""Scopes of their own for the on-call and complaint-file API.

Those operations used to take a token's ticket scopes. Tokens made before keep working: a token
with a ticket scope gets the new scopes its owner's role allows when this migration runs (the
permissions below are a copy of caredesk.accounts.scopes as it is now).
"""

from django.db import migrations
from django.db.models import Q

NEW = {
    "oncall": ("oncall.view_schedule", "oncall.view_page", "oncall.acknowledge_page"),
    "complaints": ("complaints.view_complaint",),
}
TICKET_SCOPES = {"tickets:read", "tickets:write"}
# the catalogue's order, which tokens keep their scopes in
ORDER = ["tickets:read", "tickets:write", "contacts", "oncall", "complaints", "audit:read", "admin"]


def widen_existing(apps, schema_editor):
    token_model = apps.get_model("accounts", "ApiToken")
    permission_model = apps.get_model("auth", "Permission")
    for token in token_model.objects.select_related("user"):
        if not TICKET_SCOPES & set(token.scopes or []):
            continue
        user = token.user
        held = {
            f"{app}.{codename}"
            for app, codename in permission_model.objects.filter(
                Q(user=user) | Q(group__user=user)
            ).values_list("content_type__app_label", "codename")
        }
        added = [
            scope
            for scope, needs in NEW.items()
            if scope not in token.scopes and (user.is_superuser or held & set(needs))
        ]
        if added:
            token.scopes = sorted([*token.scopes, *added], key=ORDER.index)
            token.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_desk_people"),
    ]

    operations = [migrations.RunPython(widen_existing, migrations.RunPython.noop)]
