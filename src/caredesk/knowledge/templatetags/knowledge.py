"""Protocol guidance that names a knowledge article by its title, in quotes, links to it."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from caredesk.knowledge.selectors import articles_by_title

register = template.Library()

_QUOTED = re.compile(r"[\"“]([^\"”\n]{3,200})[\"”]")


@register.filter
def guidance_links(text: str) -> SafeString:
    """The guidance as escaped paragraphs, each quoted title of a published article a link to
    it on the desk (one query whatever the number of titles)."""
    titles = [m.group(1).strip() for m in _QUOTED.finditer(text or "")]
    found = articles_by_title(titles)

    def link(match: re.Match[str]) -> str:
        title = match.group(1).strip()
        pk = found.get(title)
        if pk is None:
            return escape(match.group(0))
        url = reverse("knowledge:read", args=[pk])
        return f'“<a href="{url}" data-kb-article>{escape(title)}</a>”'

    pieces: list[str] = []
    at = 0
    for m in _QUOTED.finditer(text or ""):
        pieces.append(str(escape(text[at : m.start()])))
        pieces.append(link(m))
        at = m.end()
    pieces.append(str(escape((text or "")[at:])))
    html = "".join(pieces).replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - every piece above is escaped
