from __future__ import annotations

from typing import Any

import pytest

from caredesk.training.models import Certification, Question, Skill
from caredesk.training.pure import expires
from tests.factories import AgentFactory, RequestTypeFactory, TeamFactory


@pytest.fixture
def gated(db: Any) -> dict[str, Any]:
    return gated_world()


def gated_world() -> dict[str, Any]:
    """A category gated by the Infusion pumps skill, a certified and an uncertified agent."""
    category = RequestTypeFactory(name="Infusion pump fault", slug="pump-fault")
    skill = Skill.objects.create(
        name="Infusion pumps", gates=True, product_models=["IP-7"], questions_per_exam=3
    )
    skill.categories.add(category)
    team = TeamFactory(slug="pumps")
    certified = AgentFactory(name="Noor Hallberg", teams=[team])
    novice = AgentFactory(name="Elio Marsh", teams=[team])
    certify(certified, skill)
    return {
        "category": category,
        "skill": skill,
        "team": team,
        "certified": certified,
        "novice": novice,
    }


def certify(agent: Any, skill: Skill) -> Certification:
    from caredesk.core import clock

    now = clock.now()
    cert, _ = Certification.objects.update_or_create(
        agent=agent,
        skill=skill,
        defaults={"via": "lead", "granted_at": now, "expires_at": expires(now, 12)},
    )
    return cert


def bank(skill: Skill, n: int = 5) -> list[Question]:
    """n single-choice questions whose right answer is the first choice."""
    return [
        Question.objects.create(
            skill=skill, text=f"Question {i}", choices=["right", "wrong"], correct=[0]
        )
        for i in range(n)
    ]
