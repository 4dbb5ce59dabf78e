"""Policy YAML holding what a policy cannot keep, on SQLite and PostgreSQL alike: YAML escapes
for a NUL or half a character ("\\0", "\\ud800"), and values JSON has no form for (dates,
binary, .nan). Refused with the place named, from the command line, the desk's editor and
import screen, and the simulation API; nothing is saved."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk import cli
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.core.errors import ValidationFailed
from caredesk.core.text import NUL_MESSAGE, SURROGATE_MESSAGE
from caredesk.rules.models import Policy, PolicyVersion
from caredesk.rules.policies import parse_yaml
from tests.factories import AgentFactory, login_verified

pytestmark = pytest.mark.django_db

POLICY = """name: {name}
slug: {slug}
rules:
  - name: Cancellations
    on: [ticket.created]
    when: {{field: subject, op: contains, value: {value}}}
    actions:
      - {{type: guidance, text: {text}}}
"""
GOOD = {"name": "Member services", "slug": "member-services", "value": "cancel", "text": "Tier 1"}
BAD = [
    ("name", '"Member\\0 services"', "name", NUL_MESSAGE),
    ("slug", '"member\\0services"', "slug", NUL_MESSAGE),
    ("text", '"Handle \\ud800 in Tier 1"', "rules.0.actions.0.text", SURROGATE_MESSAGE),
    ("value", '"can\\0cel"', "rules.0.when.value", NUL_MESSAGE),
    ("value", "2026-11-02", "rules.0.when.value", "Write this value as text in quotes"),
    ("text", "!!binary aGVsbG8=", "rules.0.actions.0.text", "Write this value as text in quotes"),
    ("value", ".nan", "rules.0.when.value", "Write this value as text in quotes"),
]
IDS = ["NUL in the name", "NUL in the slug", "half character", "NUL in a value", "a date",
       "binary", "not a number"]  # fmt: skip


def policy(key: str, value: str) -> str:
    return POLICY.format(**{**GOOD, key: value})


@pytest.mark.parametrize(("key", "value", "where", "why"), BAD, ids=IDS)
def test_parsing_refuses_and_names_the_place(key, value, where, why):
    with pytest.raises(ValidationFailed) as refused:
        parse_yaml(policy(key, value))
    (message,) = refused.value.errors["yaml"]
    assert message.startswith(f"{where}: {why}")


def test_a_key_holding_nul_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        parse_yaml(policy("name", "x") + '"extra\\0key": 1\n')
    assert refused.value.errors["yaml"] == [f"the text: {NUL_MESSAGE}"]


@pytest.mark.parametrize(("key", "value", "where", "why"), BAD, ids=IDS)
def test_the_import_command_refuses_the_file_and_saves_nothing(
    tmp_path, capsys, key, value, where, why
):
    path = tmp_path / "policies.yaml"
    path.write_text(policy("name", "Billing") + "---\n" + policy(key, value), encoding="utf-8")
    assert cli.main(["rules", "import", str(path)]) == 2
    assert where in capsys.readouterr().err
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()


def test_the_import_command_refuses_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(policy("name", "Caf\xe9").encode("latin-1"))
    assert cli.main(["rules", "import", str(path)]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert not Policy.objects.exists()


@pytest.fixture
def lead_desk() -> Client:
    client = Client()
    login_verified(client, AgentFactory(role=ROLE_ADMIN))
    return client


@pytest.mark.parametrize(("key", "value", "where", "why"), BAD, ids=IDS)
def test_the_editor_shows_the_place_as_the_fields_error(lead_desk, key, value, where, why):
    response = lead_desk.post(
        "/agent/policies/new/", {"yaml": policy(key, value), "note": "n", "action": "save"}
    )
    assert response.status_code == 422
    assert f"{where}: {why}" in response.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.parametrize(("key", "value", "where", "why"), BAD, ids=IDS)
def test_the_import_screen_imports_nothing_and_says_where(lead_desk, key, value, where, why):
    response = lead_desk.post("/agent/policies/import/", {"yaml": policy(key, value)}, follow=True)
    assert response.status_code == 200
    assert "Nothing was imported." in response.content.decode()
    assert where in response.content.decode()
    assert not Policy.objects.exists()


def test_a_draft_simulated_over_the_api_is_a_422_naming_the_place(lead_desk):
    response = lead_desk.post(
        "/api/v1/rules/simulate",
        {"ticket": {"subject": "cancel"}, "policy_yaml": policy("text", '"a\\0b"')},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["yaml"] == [f"rules.0.actions.0.text: {NUL_MESSAGE}"]
