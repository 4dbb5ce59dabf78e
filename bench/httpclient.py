"""A deliberately tiny HTTP/1.1 keep-alive client on asyncio, for 127.0.0.1 only.

The load generator shares the 2 cores with the server and PostgreSQL, so it must cost little:
httpx spends more CPU per request than the request it measures. This client writes the request
bytes, reads the header block, then exactly Content-Length bytes (or the chunks).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

HOST = "127.0.0.1"


class UnexpectedResponse(AssertionError):
    """A measured request did not answer what the page should: nothing is measured then."""


def verify(resp: Response, expect: int, contains: bytes | None) -> None:
    """Fail loudly unless the answer has the expected status and, if given, the marker.

    A redirect to the sign-in page answers quickly; measuring it would be measuring nothing.
    """
    if resp.status != expect or (contains is not None and contains not in resp.body):
        where = resp.header("location")
        raise UnexpectedResponse(
            f"HTTP {resp.status} (expected {expect}"
            + (f" with {contains!r}" if contains is not None else "")
            + ")"
            + (f", redirected to {where}" if where else "")
            + f"; body starts {resp.body[:300]!r}"
        )


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def cookies(self) -> dict[str, str]:
        out = {}
        for k, v in self.headers:
            if k == "set-cookie":
                pair = v.split(";", 1)[0]
                key, _, value = pair.partition("=")
                out[key.strip()] = value.strip()
        return out


class Connection:
    """One keep-alive connection to 127.0.0.1:port (reopened if the server closes it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Response:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *raw_headers = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        hdrs = []
        for line in raw_headers:
            if line:
                k, _, v = line.partition(":")
                hdrs.append((k.strip().lower(), v.strip()))
        resp = Response(status, hdrs, b"")
        length = resp.header("content-length")
        if length is not None:
            resp.body = await self.reader.readexactly(int(length))
        elif (resp.header("transfer-encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            resp.body = b"".join(chunks)
        else:
            resp.body = await self.reader.read()
            await self.close()
        if (resp.header("connection") or "").lower() == "close":
            await self.close()
        return resp


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    s = sorted(samples_ms)
    if not s:
        return {}

    def pct(p: float) -> float:
        # nearest-rank percentile
        k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
        return round(s[k], 2)

    return {
        "n": len(s),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(s[-1], 2),
        "mean_ms": round(statistics.fmean(s), 2),
    }


async def sequential(
    port: int,
    make: Callable[[int], tuple[str, str, dict[str, str], bytes]],
    *,
    count: int,
    warmup: int,
    max_seconds: float,
    expect: int = 200,
    contains: bytes | None = None,
) -> dict[str, Any]:
    """One request at a time on one keep-alive connection; latency percentiles.

    Every answer must have the `expect`ed status (and hold `contains`), or UnexpectedResponse.
    """
    conn = Connection(port)
    samples: list[float] = []
    try:
        for i in range(warmup):
            method, path, headers, body = make(i)
            verify(await conn.request(method, path, headers=headers, body=body), expect, contains)
        deadline = time.monotonic() + max_seconds
        for i in range(count):
            if time.monotonic() > deadline:
                break
            method, path, headers, body = make(warmup + i)
            t = time.perf_counter()
            resp = await conn.request(method, path, headers=headers, body=body)
            samples.append((time.perf_counter() - t) * 1000)
            verify(resp, expect, contains)
    finally:
        await conn.close()
    return {**percentiles(samples), "errors": 0}


async def concurrent(
    port: int,
    make: Callable[[int], tuple[str, str, dict[str, str], bytes]],
    *,
    count: int,
    concurrency: int,
    max_seconds: float,
    expect: int = 200,
    contains: bytes | None = None,
    check: Callable[[Response], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    """`count` requests over `concurrency` keep-alive connections; throughput and latency.

    Every answer must have the `expect`ed status (and hold `contains`), or UnexpectedResponse.
    """
    samples: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(count))
    deadline = time.monotonic() + max_seconds

    async def worker() -> None:
        conn = Connection(port)
        try:
            for i in counter:
                if time.monotonic() > deadline:
                    break
                method, path, headers, body = make(i)
                t = time.perf_counter()
                resp = await conn.request(method, path, headers=headers, body=body)
                samples.append((time.perf_counter() - t) * 1000)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                verify(resp, expect, contains)
                if check is not None:
                    await check(resp)
        finally:
            await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    ok = statuses.get(expect, 0)
    return {
        "requests": len(samples),
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        **percentiles(samples),
    }
