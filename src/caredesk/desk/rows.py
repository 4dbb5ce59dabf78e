"""The ticket list's rows, rendered here rather than in a template.

A queue page has 25 rows of about twenty values each; the template language spends more time
on that loop than the database spends on the whole page. The markup stays small and plain.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from caredesk.core.templatetags.caredesk import when
from caredesk.sla.templatetags.sla import sla_badge
from caredesk.tickets.models import Ticket
from caredesk.tickets.templatetags.tickets import level_short

_UNASSIGNED = mark_safe('<span class="muted">Unassigned</span>')  # noqa: S308 - a constant
# the safety screen's finding stands out in every list: icon and words, never colour alone
_SAFETY = {
    "event": mark_safe(  # noqa: S308 - a constant
        '<span class="badge safety-badge safety-event"><span aria-hidden="true">⚠</span> '
        "Safety event</span>"
    ),
    "possible": mark_safe(  # noqa: S308 - a constant
        '<span class="badge safety-badge safety-possible"><span aria-hidden="true">⚠</span> '
        "Possible safety</span>"
    ),
}


def _row(t: Ticket, url: str, sla: str, with_assignee: bool, pick: bool) -> SafeString:
    who = t.requester.name
    org = t.organization.name if t.organization else ""
    team = format_html('<span class="sub sub-wide">{}</span>', t.team.name) if t.team else ""
    assignee = ""
    if with_assignee:
        assignee = format_html(
            '<td class="assignee">{}</td>', t.assignee.name if t.assignee else _UNASSIGNED
        )
    return format_html(
        '<tr class="level-{p}" data-href="{url}">{pick}'
        '<td class="ref"><a href="{url}">{ref}</a></td>'
        '<td class="subject"><a href="{url}" tabindex="-1" title="{subject}">{subject}</a>{team}'
        '<span class="sub sub-narrow">{who}{org_narrow}</span></td>'
        '<td class="who"><span class="line">{who}</span>{org_wide}</td>'
        '<td class="state">{safety}<span class="badge level level-{p}">{p} · {level}</span>'
        '<span class="badge status status-{status}">{status_label}</span>{sla}</td>'
        '{assignee}<td class="updated">{updated}</td></tr>\n',
        p=t.priority,
        url=url,
        pick=format_html(
            '<td class="pick"><input type="checkbox" name="ticket" value="{}" form="bulk-form" '
            'aria-label="Select {}"></td>',
            t.pk,
            t.ref,
        )
        if pick
        else "",
        ref=t.ref,
        subject=t.subject,
        team=team,
        who=who,
        org_narrow=f" · {org}" if org else "",
        org_wide=format_html('<span class="sub">{}</span>', org) if org else "",
        level=level_short(t.priority),
        status=t.status,
        status_label=t.status_label,
        sla=sla,
        safety=_SAFETY.get(t.safety, ""),
        assignee=assignee,
        updated=when(t.updated_at),
    )


def ticket_rows(
    tickets: list[Ticket],
    headlines: dict[int, Any],
    queue: str,
    *,
    searched: bool = False,
    pick: bool = True,
) -> list[SafeString]:
    """One <tr> per ticket: link, requester, level, status, SLA badge, assignee, last update.

    The assignee column is left out of queues where it says nothing (mine, unassigned). Links
    from search results say so (`?from=search`): the audit records a ticket opened from search.
    With `pick`, each row starts with a checkbox for the bulk actions' form.
    """
    base = reverse("desk:ticket", args=[0]).removesuffix("0/")
    marker = "?from=search" if searched else ""
    with_assignee = queue not in ("unassigned", "mine")
    return [
        _row(t, f"{base}{t.pk}/{marker}", sla_badge(headlines.get(t.pk)), with_assignee, pick)
        for t in tickets
    ]
