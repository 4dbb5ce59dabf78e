"""The rules see the unit a ticket names (asset.warranty, asset.clinical_use, ...) through the
facts registry: a protocol can route on them without the rules knowing about devices."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caredesk.rules.conditions import ConditionError, compile_condition
from caredesk.rules.policies import policy_save
from caredesk.rules.selectors import ticket_facts
from tests.devices.conftest import make_asset
from tests.factories import ContactFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_the_facts_of_a_known_an_unknown_and_no_serial(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    make_asset(catalogue["PX-200"], "PX-77", purchased_on=date(2025, 1, 20), in_clinical_use=True)
    known = ticket_facts(make_ticket(structured={"device_serial": "PX-77"}), clock.current)
    assert known.value("asset.warranty") == "in"
    assert known.value("asset.clinical_use") is True
    assert known.value("asset.known") is True and known.value("asset.model") == "PX-200"
    unknown = ticket_facts(make_ticket(structured={"device_serial": "X-123"}), clock.current)
    assert unknown.value("asset.known") is False and unknown.value("asset.warranty") == ""
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))
    assert (
        ticket_facts(make_ticket(structured={"device_serial": "PX-77"}), clock.current).value(
            "asset.warranty"
        )
        == "ending"
    )


def test_conditions_name_asset_facts_and_still_refuse_unknown_fields():
    check = compile_condition({"field": "asset.warranty", "op": "in", "value": ["out", "ending"]})
    assert check is not None
    with pytest.raises(ConditionError):
        compile_condition({"field": "asset.colour", "op": "eq", "value": "red"})


def test_a_protocol_tags_tickets_about_units_in_clinical_use_out_of_warranty(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    make_asset(catalogue["PX-200"], "PX-OLD", purchased_on=date(2023, 1, 1), in_clinical_use=True)
    make_asset(catalogue["PX-200"], "PX-NEW", purchased_on=date(2026, 1, 1))
    policy_save(
        data={
            "name": "Device entitlement",
            "rules": [
                {
                    "name": "clinical unit out of warranty",
                    "on": ["ticket.created"],
                    "when": {
                        "all": [
                            {"field": "asset.clinical_use", "op": "eq", "value": True},
                            {"field": "asset.warranty", "op": "eq", "value": "out"},
                        ]
                    },
                    "actions": [{"type": "add_tags", "tags": ["clinical-out-of-warranty"]}],
                }
            ],
        },
        actor=None,
    )
    requester = ContactFactory()
    old = make_ticket(requester, structured={"device_serial": "PX-OLD"})
    new = make_ticket(requester, structured={"device_serial": "PX-NEW"})
    assert {t.name for t in old.tags.all()} == {"clinical-out-of-warranty"}
    assert not new.tags.exists()
