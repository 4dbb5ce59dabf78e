"""Presentation helpers for templates (kept out of models)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.forms import BoundField, Select
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


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
    parts = []
    for group, choices, _index in context["optgroups"]:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((opt["value"], flatatt(opt["attrs"]), opt["label"]) for opt in choices),
        )
        # named groups of choices are <optgroup>s (the statuses of a category, for one)
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', group, options) if group else options
        )
    options = mark_safe("".join(parts))  # noqa: S308 - each part built by format_html
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
