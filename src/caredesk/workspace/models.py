"""Saved views: a named queue (filters, columns, sort), personal or shared with a team."""

from __future__ import annotations

from django.db import models

from caredesk.accounts.models import Team, User


class Column(models.TextChoices):
    """The ticket list's columns a view may show or hide (reference and subject always show)."""

    REQUESTER = "requester", "Requester and organization"
    STATE = "state", "Level, status and SLA"
    ASSIGNEE = "assignee", "Assignee"
    UPDATED = "updated", "Last update"


class SavedView(models.Model):
    """A queue someone named. Without a team it is its owner's alone; with one, every member of
    the team has it in their sidebar (shared by a lead, who may change or remove it)."""

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # queue, status, priority, team, assignee, organization, q: the desk's list filters
    filters = models.JSONField(default=dict)
    sort = models.CharField(max_length=16, default="-updated")
    columns = models.JSONField(default=list)  # the optional columns shown, in Column values
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["owner", "name"], name="savedview_owner_idx"),
            models.Index(
                fields=["team", "name"],
                name="savedview_team_idx",
                condition=models.Q(team__isnull=False),
            ),
        ]
        permissions = [("share_savedview", "Can share saved views with a team")]

    def __str__(self) -> str:
        return self.name
