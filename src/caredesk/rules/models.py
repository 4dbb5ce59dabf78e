"""Policies (triage, routing and escalation protocols as rules), their versions, and macros.

A policy's rules are data, exactly as its YAML says (see conditions.py and engine.py); the
document is validated by compiling it before it is stored, and every change keeps a version.
"""

from __future__ import annotations

from django.db import models

from caredesk.accounts.models import User


class Policy(models.Model):
    """A protocol a support lead can read, test and change: an ordered list of rules."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Policies run in this order.")
    document = models.JSONField(default=dict, help_text="The rules, as the YAML holds them.")
    source = models.TextField(
        blank=True, default="", help_text="The YAML as its author wrote it (comments included)."
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "policies"
        permissions = [("simulate_policy", "Can simulate policies against a ticket")]

    def __str__(self) -> str:
        return self.name

    @property
    def rules(self) -> list[dict[str, object]]:
        rules = (self.document or {}).get("rules") or []
        return list(rules) if isinstance(rules, list) else []

    @property
    def scope(self) -> dict[str, list[str]]:
        """Which tickets the policy governs (organizations, plans, channels, requester
        types); empty: every ticket."""
        scope = (self.document or {}).get("scope") or {}
        return dict(scope) if isinstance(scope, dict) else {}


class PolicyVersion(models.Model):
    """Append-only: what a policy said after each change, who changed it, when and why."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    source = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policyversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class ShippedInstall(models.Model):
    """A shipped policy (or macro) once installed: never installed again, so a lead's edits,
    and a policy a lead removed, stay as the lead left them."""

    slug = models.SlugField(max_length=60, unique=True)
    installed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.slug


class MacroKind(models.TextChoices):
    PUBLIC = "public", "Public reply"
    INTERNAL = "internal", "Internal note"


class Macro(models.Model):
    """A canned reply or note with placeholders, applied by agents or by rules.

    A shared macro (no owner) is the desk's, kept by whoever may manage shared macros, and the
    only kind the rules can name; a personal one belongs to its owner alone. Applying it may
    also set the ticket's status and level and add tags."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=16, choices=MacroKind.choices, default=MacroKind.PUBLIC)
    body = models.TextField(
        help_text="Placeholders: {{requester.first_name}}, {{requester.name}}, "
        "{{ticket.reference}}, {{ticket.subject}}, {{agent.name}}, {{organization.name}}, "
        "{{support.phone}} (and the older {requester_first_name}, {ref}, {agent_name}...)."
    )
    active = models.BooleanField(default=True)
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text="Empty: a shared macro.",
    )
    set_status = models.CharField(max_length=16, blank=True, default="")
    set_priority = models.PositiveSmallIntegerField(null=True, blank=True)
    add_tags = models.JSONField(default=list, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(owner__isnull=True),
                name="macro_shared_name_unique",
            ),
            models.UniqueConstraint(fields=["owner", "name"], name="macro_personal_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> bool:
        return self.owner_id is None
