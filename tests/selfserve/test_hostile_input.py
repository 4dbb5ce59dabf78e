"""Text no database stores, sent to the public help form and the device check, on SQLite and
PostgreSQL alike: a NUL typed into a field is that field's error (422, nothing opened); in what
the page and the browser fill in (the check's results, the User-Agent) it is dropped."""

from __future__ import annotations

import json

import pytest

from caredesk.accounts.models import Contact
from caredesk.tickets.models import Ticket
from tests.selfserve.test_public_form import URL, _form, _results

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["name", "email", "subject", "description", "device_serial"])
def test_nul_typed_into_a_field_of_the_public_form_is_a_422_naming_it(client, field):
    value = {"device_serial": "SN-4471", "email": "wren@mail.example"}.get(field, "Wren Alcott")
    response = client.post(URL, _form(**{field: value[:3] + "\x00" + value[3:]}))
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}"' in html and "Null characters are not allowed." in html
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_nul_and_half_characters_in_the_check_results_and_user_agent_are_dropped(client):
    checks = [
        {"id": "browser", "status": "pass", "detail": "Firefox\x00 128"},
        {"id": "os", "status": "warn", "detail": "Windows \ud800 11"},
    ]
    blob = json.dumps({"version": 1, "checks": checks})  # as JSON writes them: \u0000, \ud800
    response = client.post(
        URL, _form(diagnostics=blob), HTTP_USER_AGENT="Mozilla/5.0\x00 (Windows NT 10.0)"
    )
    assert response.status_code == 302, response.content
    answers = Ticket.objects.get().form_data
    assert answers["User agent"] == "Mozilla/5.0 (Windows NT 10.0)"
    assert answers["Browser"] == "Passed: Firefox 128"
    assert answers["Operating system"] == "Warning: Windows 11"


def test_results_with_nul_carried_from_the_check_page_are_shown_clean(client):
    blob = _results(checks=[{"id": "browser", "status": "pass", "detail": "Fire\x00fox"}])
    response = client.post(URL, {"prefill": "check", "diagnostics": blob})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fire fox" in html and "\x00" not in html
