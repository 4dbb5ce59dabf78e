"""The outbox in the admin site: what is waiting, what was given up, and replaying it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.core.admin_mixins import ReadOnlyAdmin
from caredesk.core.models import OutboxItem
from caredesk.core.outbox import outbox_replay

REPLAY_PERMISSION = "core.replay_outboxitem"


def replay_selected(request: HttpRequest, item_ids: list[int]) -> None:
    """Replay the chosen items that were given up and say what happened (shared by the admin
    pages of the outbox and of the webhook delivery log)."""
    replayed = outbox_replay(ids=item_ids, actor=request.user)
    left = len(set(item_ids)) - len(replayed)
    if replayed:
        messages.success(request, f"{len(replayed)} given-up item(s) queued again.")
    if left:
        messages.info(
            request, f"{left} item(s) were not given up (waiting or sent) and were left alone."
        )


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Deliveries of mail, webhooks and tracker issues. The payload (mail text, recipients) is
    not shown: it may carry health information."""

    list_display = (
        "id",
        "kind",
        "status",
        "attempts",
        "available_at",
        "claimed_at",
        "sent_at",
        "replays",
        "created_at",
    )
    list_filter = ("status", "kind")
    fields = readonly_fields = (
        "kind",
        "status",
        "attempts",
        "available_at",
        "claimed_at",
        "lease_until",
        "sent_at",
        "replays",
        "last_error",
        "created_at",
    )
    actions = ["replay"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REPLAY_PERMISSION)

    @admin.action(
        permissions=["replay"], description="Replay the selected given-up items (audited)"
    )
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxItem]) -> None:
        chosen = list(queryset.values_list("id", flat=True))
        replay_selected(request, chosen)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxItem]:
        return super().get_queryset(request).defer("payload")
