"""Presentation helpers for templates (kept out of models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.forms import BoundField, Select
from django.forms.utils import flatatt
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from caredesk.sla.clocks import humanize
from caredesk.tickets.pure import Level, ref_for

register = template.Library()

REQUESTER_STATUS = {
    "new": "Received",
    "open": "We're on it",
    "pending": "Waiting for you",
    "on_hold": "We're on it",
    "solved": "Solved",
    "closed": "Closed",
}


@register.filter
def requester_status(status: str) -> str:
    return REQUESTER_STATUS.get(status, status)


@register.filter
def level_short(priority: int) -> str:
    try:
        return Level(int(priority)).short
    except ValueError:
        return ""


@register.filter
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.filter
def ticket_ref(pk: int) -> str:
    """The reference ("CD-1042") of a ticket known only by its id."""
    return ref_for(settings.CAREDESK_TICKET_PREFIX, int(pk))


@register.simple_tag
def ticket_prefix() -> str:
    return str(settings.CAREDESK_TICKET_PREFIX)


SLA_ICONS = {"ok": "◷", "warning": "⚠", "breached": "✕", "paused": "⏸", "met": "✓"}


def _due_text(value: datetime | None) -> str:
    return f" due {dateformat.format(timezone.localtime(value), 'D j M, H:i T')}" if value else ""


@register.simple_tag
def sla_badge(view: Any, show_label: bool = False) -> str:
    """A badge that never relies on colour alone: icon and words as well."""
    if view is None:
        return ""
    badge = view.badge
    state = str(badge.state)
    amount = humanize(badge.remaining)
    text = {
        "ok": f"{amount} left",
        "warning": f"{amount} left",
        "breached": f"+{amount} late" if badge.remaining.total_seconds() < 0 else "Breached",
        "paused": "Paused",
        "met": "Met",
    }[state]
    due = _due_text(badge.due_at)
    label = format_html('<span class="sla-label">{}:</span> ', view.label) if show_label else ""
    return format_html(
        '<span class="sla sla-{}" title="{}{}"><span aria-hidden="true">{}</span> {}{}'
        '<span class="visually-hidden"> ({}{})</span></span>',
        state,
        view.label,
        due,
        SLA_ICONS[state],
        label,
        text,
        view.label,
        due.replace(" due", ", due", 1),
    )


@register.simple_tag
def when(value: datetime | None) -> str:
    """An instant as "12 minutes ago", with the exact local time on hover and for machines."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        f"{local:%Y-%m-%d %H:%M} {local.tzname()}",
        naturaltime(value),
    )


def _select_html(bf: BoundField) -> str:
    """A plain <select>, built here: Django renders every <option> through a template."""
    widget = bf.field.widget
    attrs = bf.build_widget_attrs({}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (opt["value"], flatatt(opt["attrs"]), opt["label"])
            for _group, choices, _index in context["optgroups"]
            for opt in choices
        ),
    )
    return format_html(
        '<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), options
    )


@register.simple_tag
def field(bf: BoundField) -> str:
    """A labelled form field with its hint and errors (the markup of every form here)."""
    optional = not bf.field.required and "(optional)" not in str(bf.label)
    hint = (
        format_html('<p class="hint" id="{}_helptext">{}</p>', bf.auto_id, bf.help_text)
        if bf.help_text
        else ""
    )
    errors = (
        format_html(
            '<div class="error-text" id="{}_error">{}</div>',
            bf.auto_id,
            format_html_join(
                "",
                '<p><span class="visually-hidden">Error:</span> {}</p>',
                ((e,) for e in bf.errors),
            ),
        )
        if bf.errors
        else ""
    )
    plain_select = type(bf.field.widget) is Select
    return format_html(
        '<div class="field{}">\n  <label for="{}">{}{}</label>\n  {}{}\n  {}\n</div>',
        " field-error" if bf.errors else "",
        bf.id_for_label,
        bf.label,
        mark_safe(' <span class="optional">(optional)</span>') if optional else "",  # noqa: S308
        hint,
        errors,
        _select_html(bf) if plain_select else str(bf),
    )
