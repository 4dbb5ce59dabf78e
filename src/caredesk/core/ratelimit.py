"""Rate limits for the public doors: forms, the chat widget, webhooks.

Fixed windows counted in Django's cache (in-process in the embedded mode, Redis when
`REDIS_URL` is set, so every web process shares the count). Windows follow the clock module,
so tests move time rather than wait. A refusal is a 429 with Retry-After and a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from caredesk.core import clock
from caredesk.core.forwarded import request_client_address


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets; 0 when allowed


def client_ip(request: HttpRequest) -> str:
    """The caller's address (caredesk.core.forwarded: a forwarded one only from trusted proxies)."""
    return request_client_address(request) or "unknown"


def _bucket(scope: str, key: str, window: int) -> tuple[str, int, int]:
    now = int(clock.now().timestamp())
    start = now - now % window
    return f"rl:{scope}:{key}:{start}", start, now


def peek(scope: str, key: str, *, limit: int, window: int) -> Verdict:
    """Whether one more attempt would be allowed, without counting one."""
    if limit <= 0:
        return Verdict(True, 0)
    bucket, start, now = _bucket(scope, key, window)
    if int(cache.get(bucket, 0)) >= limit:
        return Verdict(False, max(1, start + window - now))
    return Verdict(True, 0)


def reset(scope: str, key: str, *, window: int) -> None:
    """Forget the attempts counted in the current window (after a success)."""
    cache.delete(_bucket(scope, key, window)[0])


def give_back(scope: str, key: str, *, window: int) -> None:
    """Uncount one attempt counted by `hit` in the current window (it turned out not to be a
    failure)."""
    bucket = _bucket(scope, key, window)[0]
    try:
        if int(cache.get(bucket, 0)) > 0:
            cache.decr(bucket)
    except ValueError:  # expired meanwhile: nothing left to give back
        pass


def hit(scope: str, key: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt for (scope, key); allowed while the window's count is within limit.

    The count is one atomic increment (the cache's incr: a lock in-process, INCR in Redis) that
    returns the new count, so of any number of attempts made at the same moment at most `limit`
    are allowed. To limit an action, call this before doing it, never `peek` then `hit` after."""
    if limit <= 0:
        return Verdict(True, 0)
    bucket, start, now = _bucket(scope, key, window)
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return Verdict(False, max(1, start + window - now))
    return Verdict(True, 0)


def hit_request(request: HttpRequest, scope: str, *, limit: int, window: int = 60) -> Verdict:
    """Count one attempt by the request's client address."""
    return hit(scope, client_ip(request), limit=limit, window=window)
