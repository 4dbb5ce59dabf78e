"""Cached configuration: every process sees a change when it commits, never a stale copy."""

from __future__ import annotations

import pytest
from django.db import transaction

from caredesk.core import confcache
from caredesk.core.models import ConfigVersion
from caredesk.sla.models import SlaPolicy
from caredesk.sla.selectors import DISPLAY_MAX_AGE, policies, snapshot

pytestmark = pytest.mark.django_db


def another_process_changes(name: str, stamp: str) -> None:
    """What a commit in another process looks like from here: only the stamp row moved."""
    ConfigVersion.objects.update_or_create(name=name, defaults={"stamp": stamp})


def test_a_loader_runs_once_until_the_configuration_changes():
    loads = []

    def loader() -> int:
        loads.append(1)
        return len(loads)

    assert confcache.cached("probe", loader) == 1
    assert confcache.cached("probe", loader) == 1
    another_process_changes("probe", "elsewhere-1")
    assert confcache.cached("probe", loader) == 2
    assert confcache.cached("probe", loader) == 2


def test_saving_a_policy_here_is_seen_at_once(django_assert_num_queries):
    names = [p.name for p in policies()]
    policy = SlaPolicy.objects.get(name=names[0])
    policy.active = False
    policy.save()
    assert policy.name not in [p.name for p in policies()]
    with django_assert_num_queries(1):  # unchanged since: one stamp read, no reload
        policies()


def test_a_change_elsewhere_reaches_writers_at_once_and_badges_within_seconds(monkeypatch):
    first = snapshot()
    SlaPolicy.objects.filter(pk=first.active[0].pk).update(active=False)  # no signal here
    another_process_changes("sla", "elsewhere-2")
    assert snapshot(for_display=True) is first  # checked a moment ago: trusted for display
    assert first.active[0].pk not in {p.pk for p in snapshot().active}  # writers re-check
    clock = [1000.0]
    monkeypatch.setattr(confcache.time, "monotonic", lambda: clock[0])
    confcache.clear()
    seen = snapshot(for_display=True)
    another_process_changes("sla", "elsewhere-3")
    clock[0] += DISPLAY_MAX_AGE + 0.1
    assert snapshot(for_display=True) is not seen


def test_a_rolled_back_change_leaves_no_stamp_a_later_change_could_reuse():
    before = confcache._stamp("sla")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        confcache.bump("sla")
        rolled_back = confcache._stamp("sla")
        raise Abort
    assert confcache._stamp("sla") == before
    confcache.bump("sla")
    assert confcache._stamp("sla") not in (before, rolled_back)


def test_a_pinned_block_checks_each_stamp_once_and_sees_its_own_changes(
    django_assert_num_queries,
):
    loads = []

    def loader() -> int:
        loads.append(1)
        return len(loads)

    assert confcache.cached("pinned-probe", loader) == 1
    with confcache.pinned():
        with django_assert_num_queries(1):  # the first read in the block checks the stamp
            assert confcache.cached("pinned-probe", loader) == 1
            assert confcache.cached("pinned-probe", loader) == 1
        another_process_changes("pinned-probe", "elsewhere-2")
        assert confcache.cached("pinned-probe", loader) == 1  # one act, one configuration
        confcache.bump("pinned-probe")  # a change made here is seen at once
        assert confcache.cached("pinned-probe", loader) == 2
    another_process_changes("pinned-probe", "elsewhere-3")
    assert confcache.cached("pinned-probe", loader) == 3  # outside, every read checks
