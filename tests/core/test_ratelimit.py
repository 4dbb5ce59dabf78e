from django.test import RequestFactory

from caredesk.core.ratelimit import client_ip, hit, hit_request


def test_attempts_past_the_limit_are_refused_until_the_window_turns(clock):
    verdicts = [hit("form", "10.0.0.7", limit=3, window=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 60  # the fake clock stands on a minute boundary
    assert hit("form", "10.0.0.8", limit=3, window=60).allowed  # another caller is untouched
    assert hit("chat", "10.0.0.7", limit=3, window=60).allowed  # and so is another door
    clock.advance(seconds=45)
    assert hit("form", "10.0.0.7", limit=3, window=60).retry_after == 15
    clock.advance(seconds=15)
    assert hit("form", "10.0.0.7", limit=3, window=60).allowed


def test_a_limit_of_zero_is_off(clock):
    assert all(hit("form", "x", limit=0, window=60).allowed for _ in range(50))


def test_the_forwarded_address_counts_only_from_a_trusted_proxy(settings, clock):
    from caredesk.core.forwarded import parse_networks

    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.9"
    )
    settings.CAREDESK_BEHIND_PROXY = True
    assert client_ip(request) == "10.9.9.9"
    settings.CAREDESK_TRUSTED_PROXIES = parse_networks(["10.9.9.0/24"])
    assert client_ip(request) == "203.0.113.9"
    assert hit_request(request, "form", limit=1).allowed
    assert not hit_request(request, "form", limit=1).allowed
