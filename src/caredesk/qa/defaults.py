"""The shipped rubric: the four areas the reference's QA review covers, weights adding up to
100, a missed clinical escalation and a privacy-script failure as auto-fail criteria.

Written against model classes passed in, so the data migration (historical models) and code
that runs later (a test database that was flushed) install exactly the same thing.
"""

from __future__ import annotations

from typing import Any

# (section, [(criterion, weight, auto_fail, script, guidance)]); the weights add up to 100
DEFAULT_RUBRIC = [
    (
        "Clinical risk escalation",
        [
            (
                "Recognised clinical risk and escalated as the protocol says",
                20,
                True,
                True,
                "A missed clinical escalation fails the whole review.",
            ),
            ("Used the escalation matrix: the right tier at the right time", 10, False, True, ""),
        ],
    ),
    (
        "Technical accuracy",
        [
            ("Diagnosis correct and complete", 15, False, False, ""),
            ("Followed the documented troubleshooting script", 10, False, True, ""),
            ("Resolution or next step clear and correct", 5, False, False, ""),
        ],
    ),
    (
        "Empathy",
        [
            ("Acknowledged the person's concern and situation", 10, False, False, ""),
            ("Plain words and a respectful tone", 10, False, False, ""),
        ],
    ),
    (
        "Privacy scripts",
        [
            (
                "Verified identity before discussing health information",
                10,
                True,
                True,
                "A privacy-script failure fails the whole review.",
            ),
            ("Shared only the minimum necessary, in a safe channel", 10, False, True, ""),
        ],
    ),
]


def install_default_rubric(Rubric: Any, Section: Any, Criterion: Any, now: Any) -> None:  # noqa: N803
    """Publish the shipped rubric as version 1 unless a rubric exists already."""
    if Rubric.objects.exists():
        return
    rubric = Rubric.objects.create(
        name="Interaction review", version=1, status="published", created_at=now, published_at=now
    )
    for s_pos, (title, criteria) in enumerate(DEFAULT_RUBRIC):
        section = Section.objects.create(rubric=rubric, title=title, position=s_pos)
        for c_pos, (label, weight, auto_fail, script, guidance) in enumerate(criteria):
            Criterion.objects.create(
                section=section,
                label=label,
                weight=weight,
                auto_fail=auto_fail,
                script=script,
                guidance=guidance,
                position=c_pos,
            )
