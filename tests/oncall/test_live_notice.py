"""A page shows at once on the paged person's open desk socket (the live chat's, Channels)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from caredesk.oncall.services import page_open
from tests.chat.conftest import agent_peer, run, session_cookie
from tests.oncall.conftest import clinical_team

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_layer() -> Iterator[None]:
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def test_a_page_is_pushed_to_the_paged_persons_socket_and_no_one_elses(
    clock: Any, twilio_peer: Any
) -> None:
    clinical = clinical_team()
    primary, other = session_cookie(clinical.primary), session_cookie(clinical.secondary)

    async def scenario() -> None:
        desk = await agent_peer(primary)
        elsewhere = await agent_peer(other)
        page = await database_sync_to_async(page_open)(
            team=clinical.team, text="Incident: video visits down"
        )
        notice = await desk.recv("notice")
        assert page.code in notice["text"] and "video visits down" in notice["text"]
        assert (notice["url"], notice["urgent"]) == ("/agent/oncall/pages/", True)
        assert await elsewhere.comm.receive_nothing(timeout=0.3)
        await desk.close()
        await elsewhere.close()

    run(scenario)


def test_every_desk_page_refreshes_the_pages_waiting_for_its_person(
    clock: Any, twilio_peer: Any
) -> None:
    from django.test import Client

    from caredesk.oncall.services import page_acknowledge
    from tests.factories import login_verified

    clinical = clinical_team()
    page = page_open(team=clinical.team, text="Incident: video visits down")
    primary, other = Client(), Client()
    login_verified(primary, clinical.primary)
    login_verified(other, clinical.secondary)

    desk = primary.get("/agent/").content.decode()
    assert 'hx-get="/agent/live/"' in desk and "X-CareDesk-Background" in desk

    live = primary.get("/agent/live/", headers={"X-CareDesk-Background": "1"}).content.decode()
    assert f"Acknowledge page {page.code}" in live and 'hx-swap-oob="true"' in live
    assert "Incident: video visits down" in live
    assert "Acknowledge page" not in other.get("/agent/live/").content.decode()

    page_acknowledge(page=page, user=clinical.primary, via="desk")
    assert "Acknowledge page" not in primary.get("/agent/live/").content.decode()
