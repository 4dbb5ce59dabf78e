"""On call as the tests play it: a Twilio REST peer on 127.0.0.1 that records what it is asked
to send, signed SMS replies, and a clinical team with a weekly rotation and a policy."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from django.test import Client

from caredesk.core.twilio import signature
from caredesk.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    Layer,
    LayerMember,
    PagingContact,
    Schedule,
    TargetKind,
)
from tests.factories import AgentFactory, TeamFactory, supervisor

SID = "AC" + "7" * 32
TOKEN = "oncall-test-auth-token-0cc175b9c0f1b6a8"
FROM = "+18005550111"
BASE = "https://support.caredesk.example"
SMS_PATH = "/hooks/oncall/twilio/sms/"
FORM = "application/x-www-form-urlencoded"
_sids = itertools.count(1)


@dataclass
class Sent:
    resource: str  # Messages or Calls
    form: dict[str, str]
    auth: str
    at: float = 0.0  # time.monotonic() when it arrived


@dataclass
class TwilioPeer:
    """Twilio's REST API as far as paging uses it; `status` is what it answers."""

    url: str
    sent: list[Sent] = field(default_factory=list)
    status: int = 201
    lock: threading.Condition = field(default_factory=threading.Condition)

    def texts(self, to: str | None = None) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.resource == "Messages" and to in (None, s.form["To"])]

    def wait_texts(self, to: str, count: int = 1, timeout: float = 60) -> list[Sent]:
        """The texts to `to` once there are `count` of them (fewer when `timeout` ran out)."""
        with self.lock:
            self.lock.wait_for(lambda: len(self._to(to)) >= count, timeout=timeout)
            return self._to(to)

    def _to(self, to: str) -> list[Sent]:
        return [s for s in self.sent if s.resource == "Messages" and s.form["To"] == to]

    def calls(self) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.resource == "Calls"]


def _handler(peer: TwilioPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            resource = self.path.rsplit("/", 1)[-1].removesuffix(".json")
            expected = f"/2010-04-01/Accounts/{SID}/{resource}.json"
            status = peer.status if self.path == expected else 404
            if status < 300:
                auth = self.headers.get("Authorization", "")
                with peer.lock:
                    peer.sent.append(Sent(resource, form, auth, monotonic()))
                    peer.lock.notify_all()
                body = {"sid": f"{'SM' if resource == 'Messages' else 'CA'}{next(_sids):032x}"}
            else:
                body = {"code": 20003, "message": "Authenticate", "status": status}
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def peer_running(settings: Any) -> Iterator[TwilioPeer]:
    """The peer on a free port of 127.0.0.1, and the desk's Twilio settings pointing at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(TwilioPeer("")))
    peer = TwilioPeer(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(peer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CAREDESK_TWILIO_API_BASE = peer.url
    settings.CAREDESK_TWILIO_ACCOUNT_SID = SID
    settings.CAREDESK_TWILIO_AUTH_TOKEN = TOKEN
    settings.CAREDESK_TWILIO_FROM_NUMBER = FROM
    settings.CAREDESK_BASE_URL = BASE
    settings.CAREDESK_PHONE_COUNTRY_CODE = "1"
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def twilio_peer(settings: Any) -> Iterator[TwilioPeer]:
    with peer_running(settings) as peer:
        yield peer


def basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


def sms_reply(client: Client, number: str, body: str, *, signed: bool = True) -> Any:
    """Twilio posting an inbound SMS to the desk, signed with the auth token."""
    data = {"From": number, "To": FROM, "Body": body, "AccountSid": SID, "MessageSid": "SM1"}
    headers = {}
    if signed:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature(TOKEN, BASE + SMS_PATH, sorted(data.items()))
    return client.post(SMS_PATH, urlencode(data), content_type=FORM, **headers)


@dataclass
class Clinical:
    team: Any
    primary: Any  # on call this week
    secondary: Any  # on the secondary schedule
    lead: Any
    schedule: Schedule
    backup: Schedule
    policy: EscalationPolicy
    rotation: list[Any]


PHONES = {"primary": "+15550100101", "secondary": "+15550100102", "lead": "+15550100103"}


def clinical_team(*, repeat: int = 2, handoff_day: date = date(2026, 10, 26)) -> Clinical:
    """Liaisons on a weekly rotation handing off Mondays 09:00 New York time (the clock's
    2026-11-02 14:00 UTC is Monday 09:00 EST: the second week has just begun), a secondary
    schedule, a lead; the policy pages primary, then secondary, then the lead, 5 minutes each."""
    team = TeamFactory(slug="liaisons", name="Clinical liaisons")
    first = AgentFactory(name="Odalys Fenwick", teams=[team])
    primary = AgentFactory(name="Teodor Brannigan", teams=[team])
    secondary = AgentFactory(name="Marisol Quennell", teams=[team])
    lead = supervisor(teams=[team])
    team.lead = lead
    team.save()
    schedule = Schedule.objects.create(
        team=team, name="Liaisons", timezone="America/New_York", created_at=handoff_now()
    )
    layer = Layer.objects.create(
        schedule=schedule,
        name="Weekly",
        kind="weekly",
        handoff_time=time(9),
        start_date=handoff_day,
    )
    for n, person in enumerate([first, primary]):
        LayerMember.objects.create(layer=layer, user=person, position=n)
    backup = Schedule.objects.create(
        team=team, name="Secondary", timezone="America/New_York", created_at=handoff_now()
    )
    layer2 = Layer.objects.create(
        schedule=backup, name="Always", kind="daily", handoff_time=time(9), start_date=handoff_day
    )
    LayerMember.objects.create(layer=layer2, user=secondary, position=0)
    policy = EscalationPolicy.objects.create(
        team=team, name="Clinical default", is_default=True, repeat=repeat
    )
    EscalationStep.objects.create(
        policy=policy, position=0, target=TargetKind.SCHEDULE, schedule=schedule, wait_minutes=5
    )
    EscalationStep.objects.create(
        policy=policy, position=1, target=TargetKind.SCHEDULE, schedule=backup, wait_minutes=5
    )
    EscalationStep.objects.create(
        policy=policy, position=2, target=TargetKind.TEAM_LEAD, wait_minutes=5
    )
    for who, phone in (("primary", primary), ("secondary", secondary), ("lead", lead)):
        PagingContact.objects.create(user=phone, phone=PHONES[who])
    return Clinical(team, primary, secondary, lead, schedule, backup, policy, [first, primary])


def primary_on_call_now(clinical: Clinical, hours: int = 24) -> None:
    """Whatever week it is on the real clock, the primary liaison is on call (an override)."""
    from datetime import timedelta

    from caredesk.core import clock
    from caredesk.oncall.services import override_add

    now = clock.now()
    override_add(
        schedule=clinical.schedule,
        user=clinical.primary,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=hours),
        actor=None,
    )


def handoff_now() -> Any:
    from caredesk.core import clock

    return clock.now()


@pytest.fixture
def clinical(clock: Any) -> Clinical:
    return clinical_team()
