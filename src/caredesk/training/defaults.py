"""The two shipped curricula: a telehealth support hub's initial 40-60 hours, and a device
maker's 16-24 hours of classroom work plus 40 hours shadowing senior technicians."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

CURRICULA = [
    (
        "Telehealth support onboarding",
        "The initial curriculum before independent handling: 48 hours of modules, then 20 live "
        "interactions shadowed and signed off, then the competency exam.",
        0,
        [
            ("Product functionality: scheduling, visits, prescriptions and the apps", "12"),
            ("Live-session troubleshooting: audio, video, network, browsers and devices", "12"),
            ("Privacy and HIPAA basics: identity checks, minimum necessary, PHI in tickets", "8"),
            ("Empathy and communication with patients and clinicians", "8"),
            ("Simulated incident drills: Sev1 paging, escalation and hand-over", "8"),
        ],
    ),
    (
        "Medical device service onboarding",
        "20 hours of classroom or virtual modules on clinical workflows and device physiology, "
        "then 40 hours shadowing senior technicians; refreshed every 12 months and after any "
        "firmware or mechanical change.",
        40,
        [
            ("Clinical workflows where the devices are used", "6"),
            ("Device physiology and how the units work", "6"),
            ("Diagnostics, firmware and the repair bench (RMA)", "4"),
            ("Safety incidents, complaints and escalation triggers", "4"),
        ],
    ),
]


def install_curricula(Curriculum: Any, Module: Any) -> None:  # noqa: N803 - model classes
    """Add the shipped curricula that are not there yet (by name); a data migration calls it
    with the historical models, so a fresh install has them without the demo."""
    for name, description, shadowing, modules in CURRICULA:
        curriculum, new = Curriculum.objects.get_or_create(
            name=name, defaults={"description": description, "shadowing_hours": shadowing}
        )
        if not new:
            continue
        Module.objects.bulk_create(
            Module(curriculum=curriculum, order=i, title=title, hours=Decimal(hours))
            for i, (title, hours) in enumerate(modules, start=1)
        )
