"""Scopes, an organization limit and an expiry for API tokens; service accounts.

Tokens made before scopes existed keep working: each gets the scopes its owner's role allowed
when this migration ran (the rules below are a copy of caredesk.accounts.scopes as it was
then), no expiry, and, for a partner's service account, the limit to its organization.
"""

import django.db.models.deletion
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import migrations, models
from django.db.models import Q

import caredesk.accounts.models

# scope -> (any of these permissions, or: "requesters" any requester, "client_admins" only an
# organization's administrators)
RULES = {
    "tickets:read": (("tickets.view_ticket",), "requesters"),
    "tickets:write": (("tickets.add_ticket", "tickets.change_ticket"), "requesters"),
    "contacts": (("accounts.view_contact", "accounts.view_organization"), "requesters"),
    "audit:read": (("compliance.view_auditentry",), "client_admins"),
    "admin": (
        (
            "sla.add_slapolicy",
            "sla.change_slapolicy",
            "sla.delete_slapolicy",
            "sla.add_calendar",
            "sla.change_calendar",
            "rules.simulate_policy",
        ),
        None,
    ),
}


def _allowed(user, permission_model, contact):
    if not user.is_active:
        return []
    if user.is_superuser:
        return list(RULES)
    perms = {
        f"{app}.{codename}"
        for app, codename in permission_model.objects.filter(
            Q(user=user) | Q(group__user=user)
        ).values_list("content_type__app_label", "codename")
    }
    admin = contact is not None and contact.kind == "client_admin" and contact.organization_id
    requester = contact is not None
    return [
        scope
        for scope, (needs, who) in RULES.items()
        if perms & set(needs)
        or (who == "requesters" and requester)
        or (who == "client_admins" and admin)
    ]


def scopes_for_existing(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    token_model = apps.get_model("accounts", "ApiToken")
    contact_model = apps.get_model("accounts", "Contact")
    permission_model = apps.get_model("auth", "Permission")
    # the partner accounts made by `caredesk token create --partner` become service accounts
    # (made with no password, which Django stores as an unusable one)
    unusable = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    user_model.objects.filter(
        unusable, email__startswith="partner-", email__endswith="@partners.invalid"
    ).update(kind="service")
    for user in user_model.objects.filter(api_tokens__isnull=False).distinct():
        contact = contact_model.objects.filter(user_id=user.pk).first()
        scopes = _allowed(user, permission_model, contact)
        organization_id = None
        if user.kind == "service" and contact is not None and contact.organization_id:
            organization_id = contact.organization_id
            scopes = [s for s in scopes if s != "admin"]
        token_model.objects.filter(user=user).update(scopes=scopes, organization_id=organization_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_second_factor_secret_encrypted"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceAccount",
            fields=[],
            options={
                "verbose_name": "service account",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("accounts.user",),
            managers=[
                ("objects", caredesk.accounts.models.UserManager()),
            ],
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={"ordering": ["-created_at"], "verbose_name": "API token"},
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="user",
            name="kind",
            field=models.CharField(
                choices=[("person", "Person"), ("service", "Service account")],
                default="person",
                editable=False,
                max_length=16,
            ),
        ),
        migrations.RunPython(scopes_for_existing, migrations.RunPython.noop),
    ]
