"""Tag writers: names become Tag rows (made on first use) linked to tickets."""

from __future__ import annotations

from caredesk.tickets.models import Tag, Ticket


def tags_named(names: set[str]) -> dict[str, Tag]:
    """The tags with these names, creating the missing ones."""
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in sorted(names) if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return existing


def set_tags(ticket: Ticket, names: list[str]) -> None:
    ticket.tags.set(tags_named(set(names)).values())


def set_tags_many(pairs: list[tuple[Ticket, list[str]]]) -> None:
    """Tag new tickets: one read (and at most one write) of tags, one INSERT of links."""
    if not pairs:
        return
    tags = tags_named({n for _t, names in pairs for n in names})
    through = Ticket.tags.through
    through.objects.bulk_create(
        [through(ticket_id=t.pk, tag_id=tags[n].pk) for t, names in pairs for n in names]
    )
