"""Model -> JSON dicts for the API; callers prefetch so these never query."""

from __future__ import annotations

from typing import Any

from caredesk.accounts.models import Contact, Organization, User
from caredesk.core.phi import is_phi_json
from caredesk.sla.selectors import ClockView
from caredesk.tickets.models import PHI_FIELDS, STRUCTURED_FIELDS, Attachment, Message, Ticket
from caredesk.tickets.pure import masked


def person(p: User | Contact | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.pk, "name": p.name, "email": p.email}


def ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def sla_out(t: Ticket, views: list[ClockView] | None) -> dict[str, Any]:
    return {
        "due_at": t.sla_due_at,
        "clocks": [
            {
                "metric": v.metric,
                "state": str(v.badge.state),
                "target_minutes": int(v.target.total_seconds() // 60),
                "remaining_seconds": int(v.badge.remaining.total_seconds()),
                "due_at": v.badge.due_at,
            }
            for v in views or []
        ],
    }


def structured_out(t: Ticket, *, shown: bool) -> dict[str, str]:
    """The structured fields that are set; PHI ones masked unless `shown`."""
    out = {}
    for f in STRUCTURED_FIELDS:
        value = getattr(t, f)
        if value:
            out[f] = value if shown or f not in PHI_FIELDS else masked(value)
    return out


def form_out(t: Ticket, *, shown: bool) -> dict[str, Any]:
    """The form answers; those marked as PHI masked unless `shown`."""
    return {
        k: masked(str(v)) if not shown and is_phi_json(v) else v
        for k, v in (t.form_data or {}).items()
    }


def ticket_out(
    t: Ticket,
    sla: list[ClockView] | None = None,
    tags: list[str] | None = None,
    *,
    phi_shown: bool,
    tasks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Ticket JSON; `sla` is the ticket's clock views, loaded by the caller for a whole page;
    `tags`, when the caller knows them, saves reading them. Health information is masked
    unless `phi_shown`. `tasks`: the ticket's tasks (selectors.task_refs), for agents only."""
    return {
        "id": t.pk,
        "ref": t.ref,
        "subject": t.subject,
        "status": t.status,
        "custom_status": (
            {"id": t.custom_status.pk, "name": t.custom_status.agent_label}
            if t.custom_status_id and t.custom_status
            else None
        ),
        "priority": t.priority,
        "priority_name": t.level.short,
        "channel": t.channel,
        "category": ref(t.category),
        "requester": person(t.requester),
        "organization": ref(t.organization),
        "team": ref(t.team),
        "tier": t.tier,
        "assignee": person(t.assignee),
        "tags": sorted(tags if tags is not None else (tag.name for tag in t.tags.all())),
        "fields": structured_out(t, shown=phi_shown),
        "form": form_out(t, shown=phi_shown),
        "phi_masked": not phi_shown,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "first_response_at": t.first_response_at,
        "solved_at": t.solved_at,
        "sla": sla_out(t, sla),
        "safety": t.safety,
        "safety_codes": list(t.safety_codes or []),
        "merged_into": t.merged_into_id,
        "received_via": mailbox_out(t.received_via) if t.received_via_id else None,
        "parent": {"id": t.parent_id, "ref": t.parent_ref} if t.parent_id else None,
        "tasks": tasks or [],
    }


def mailbox_out(mailbox: Any) -> dict[str, Any]:
    return {
        "id": mailbox.pk,
        "address": mailbox.address,
        "name": mailbox.name,
        "brand": mailbox.brand,
    }


def checklist_item_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "text": item.text,
        "required": item.required,
        "position": item.position,
        "done": item.done_at is not None,
        "done_at": item.done_at,
        "done_by": person(item.done_by),
    }


def attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "url": f"/api/v1/attachments/{a.pk}/download",
    }


def message_out(m: Message) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "author": m.author_name,
        "author_user_id": m.author_user_id,
        "author_contact_id": m.author_contact_id,
        "body_text": m.body_text,
        "body_html": m.body_html,
        "attachments": [attachment_out(a) for a in m.attachments.all()],
        "created_at": m.created_at,
    }


def organization_out(o: Organization) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "plan": o.plan,
        "account_manager": person(o.account_manager),
        "email_domain": o.email_domain,
        "phone": o.phone,
    }


def contact_out(c: Contact, *, phi_shown: bool) -> dict[str, Any]:
    birth = c.date_of_birth or ""
    return {
        "id": c.pk,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "kind": c.kind,
        "organization": ref(c.organization),
        "date_of_birth": birth if phi_shown or not birth else masked(birth),
    }
