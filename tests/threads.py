"""Run work from several threads at once, each on its own database connection, and report what
any of them raised (a thread's exception would otherwise only be printed)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_in_threads(work: Callable[[int], Any], count: int, timeout: float = 120) -> list[Any]:
    """Call `work(n)` for n in range(count), each in its own thread, all released together;
    the results in the order of n. Raises the first exception any thread raised."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)
            results[n] = work(n)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
