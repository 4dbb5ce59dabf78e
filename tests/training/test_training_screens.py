"""The training screens: a lead gates a category and fills the question bank; bad input is
refused for its fields; an exam page never carries the answers; pages cost the same queries
whatever the number of people and certifications."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_SUPERVISOR
from caredesk.training.models import ExamAttempt, Question, Skill
from caredesk.training.selectors import gates
from tests.factories import AgentFactory, RequestTypeFactory, signed_in
from tests.training.conftest import bank, certify

pytestmark = pytest.mark.django_db


def test_a_lead_gates_a_category_with_a_new_skill(clock):
    category = RequestTypeFactory(name="Ventilator alarm", slug="vent-alarm")
    client = signed_in(AgentFactory(role=ROLE_SUPERVISOR))
    bad = client.post("/agent/training/skills/new/", {"name": "", "pass_mark": "150"})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "Give a pass mark from 1 to 100." in page
    done = client.post(
        "/agent/training/skills/new/",
        {
            "name": "Ventilators", "categories": [category.pk], "gates": "on",
            "product_models_text": "VN-3, VN-4", "questions_per_exam": "10", "pass_mark": "80",
            "attempts_limit": "3", "cooldown_hours": "24",
        },
    )  # fmt: skip
    assert done.status_code == 302
    skill = Skill.objects.get(name="Ventilators")
    assert skill.product_models == ["VN-3", "VN-4"]
    assert gates()[category.pk].name == "Ventilators"


def test_a_question_needs_its_right_choice_marked(clock, gated):
    client = signed_in(AgentFactory(role=ROLE_SUPERVISOR))
    url = f"/agent/training/skills/{gated['skill'].pk}/questions/"
    bad = client.post(url, {"text": "Which alarm?", "kind": "single", "choices": "High\nLow"})
    assert bad.status_code == 422
    assert "Mark the right choice with *" in bad.content.decode()
    ok = client.post(
        url, {"text": "Which alarm?", "kind": "multiple", "choices": "*High\nLow\n*Occl"}
    )
    assert ok.status_code == 302
    q = Question.objects.get()
    assert (q.choices, q.correct) == (["High", "Low", "Occl"], [0, 2])


def test_the_exam_page_never_carries_the_answers(clock, gated, settings):
    settings.CAREDESK_TRAINING_SHADOWING_REQUIRED = 0
    Question.objects.create(
        skill=gated["skill"], text="Pick one", choices=["alpha-choice", "beta-choice"], correct=[1]
    )
    client = signed_in(gated["novice"])
    started = client.post(f"/agent/training/exams/{gated['skill'].pk}/start/")
    attempt = ExamAttempt.objects.get()
    assert started["Location"] == f"/agent/training/attempts/{attempt.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert "alpha-choice" in page and "beta-choice" in page
    assert "correct" not in page and "(right)" not in page


def count(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200
    return len(seen.captured_queries)


def test_my_training_and_the_team_matrix_cost_the_same_whatever_the_numbers(clock, gated):
    lead = AgentFactory(role=ROLE_SUPERVISOR)
    client = signed_in(lead)
    bank(gated["skill"])
    client.get("/agent/training/team/")  # warm the per-process snapshots
    few = count(client, "/agent/training/team/")
    for i in range(15):
        other = Skill.objects.create(name=f"Skill {i}")
        certify(AgentFactory(), other)
    client.get("/agent/training/team/")  # the skills changed: the snapshot reloads once
    assert count(client, "/agent/training/team/") == few
    mine = signed_in(gated["novice"])
    mine.get("/agent/training/")
    first = count(mine, "/agent/training/")
    for i in range(5):
        bank(Skill.objects.create(name=f"More {i}"), 2)
    mine.get("/agent/training/")
    assert count(mine, "/agent/training/") == first


def test_a_lead_adds_a_module_and_assigns_the_curriculum(clock, gated):
    from caredesk.training.defaults import install_curricula
    from caredesk.training.models import Curriculum, Enrolment, Module

    install_curricula(Curriculum, Module)
    curriculum = Curriculum.objects.get(name="Telehealth support onboarding")
    assert sum(m.hours for m in curriculum.modules.all()) == 48  # within the 40-60 hours
    client = signed_in(AgentFactory(role=ROLE_SUPERVISOR))
    url = f"/agent/training/curricula/{curriculum.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "was not saved" not in page.content.decode()
    bad = client.post(url, {"form": "module", "title": "", "hours": "-1"})
    assert bad.status_code == 422
    added = client.post(url, {"form": "module", "title": "Refills", "hours": "2", "link": ""})
    assert added.status_code == 302 and curriculum.modules.filter(title="Refills").exists()
    assert client.post(url, {"form": "enrol", "agent": gated["novice"].pk}).status_code == 302
    assert Enrolment.objects.filter(agent=gated["novice"], curriculum=curriculum).exists()
    mine = signed_in(gated["novice"])
    module = curriculum.modules.get(title="Refills")
    assert mine.post(f"/agent/training/modules/{module.pk}/done/").status_code == 302
    assert "2 of 50 hours" in mine.get("/agent/training/").content.decode()
