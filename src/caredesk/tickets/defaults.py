"""The shipped statuses: one default per category, created by the migration and again whenever
one is missing (an emptied database). Takes the model so the migration can pass its own."""

from __future__ import annotations

from typing import Any

# category: (agent label, requester label, description)
DEFAULT_STATUSES: dict[str, tuple[str, str, str]] = {
    "open": ("Open", "We're on it", "Someone is working on the ticket."),
    "pending": (
        "Pending customer",
        "Waiting for you",
        "Waiting for the requester's answer; the resolution clock is paused.",
    ),
    "on_hold": (
        "On hold",
        "We're on it",
        "Waiting for someone outside the desk (a vendor, another team).",
    ),
    "solved": ("Solved", "Solved", "The requester's problem is solved."),
}


def install_default_statuses(model: Any) -> None:
    """Create each category's default status if it has none (renamed ones are left alone)."""
    have = set(model.objects.filter(default=True).values_list("category", flat=True))
    taken = set(model.objects.values_list("agent_label", flat=True))
    for position, (category, (agent, requester, description)) in enumerate(
        DEFAULT_STATUSES.items()
    ):
        if category in have:
            continue
        label = agent if agent not in taken else f"{agent} (default)"
        model.objects.create(
            agent_label=label,
            requester_label=requester,
            description=description,
            category=category,
            default=True,
            position=position * 10,
        )
