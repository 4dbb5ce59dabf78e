"""The device check: its thresholds (one place, read by the page's script too) and the results a
visitor sends with a request, validated here before they become a ticket's form answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# What a telehealth video visit needs. A value past a "warn" line still works but may stutter;
# past a "fail" line video is unlikely to work. The page shows these numbers to the visitor.
THRESHOLDS: dict[str, Any] = {
    "rtt_warn_ms": 300,  # round trip to this server, median of several small requests
    "rtt_fail_ms": 1000,
    "down_warn_mbps": 3.0,  # 720p video in and a shared screen
    "down_fail_mbps": 1.5,  # the least for one video stream
    "up_warn_mbps": 1.5,
    "up_fail_mbps": 0.8,  # the least for sending one's own camera
    "min_screen_width": 360,  # CSS pixels; narrower screens hide the clinician's controls
    "min_versions": {  # older browsers lack pieces of WebRTC the visit relies on
        "Chrome": 100,
        "Edge": 100,
        "Firefox": 102,
        "Safari": 15,
        "Opera": 86,
        "Samsung Internet": 18,
    },
    "ping_count": 5,
    "timeout_ms": 15000,  # a network step that takes longer fails
}

# Caps on the network test endpoints (the page asks for at most these; the server enforces them).
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

# The checks, in the order the page shows them, with the label agents read on the ticket.
LABELS: dict[str, str] = {
    "browser": "Browser",
    "os": "Operating system",
    "screen": "Screen",
    "cookies": "Cookies",
    "camera": "Camera",
    "microphone": "Microphone",
    "webrtc": "Video calls (WebRTC)",
    "rtt": "Network round trip",
    "download": "Download speed",
    "upload": "Upload speed",
}
STATUSES = {"pass": "Passed", "warn": "Warning", "fail": "Failed", "skip": "Not run"}

MAX_RESULTS_CHARS = 8000  # the whole blob as sent
MAX_DETAIL_CHARS = 200


class ResultsInvalid(ValueError):
    """The results blob cannot be used; the message is for the visitor."""


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: str
    detail: str

    @property
    def label(self) -> str:
        return LABELS[self.id]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def line(self) -> str:
        return f"{self.label}: {self.detail} ({self.status_label.lower()})"


def _clean_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ResultsInvalid("The device check results are not in the expected form.")
    text = "".join(ch if ch.isprintable() else " " for ch in value)
    text = " ".join(text.split())
    if len(text) > MAX_DETAIL_CHARS:
        raise ResultsInvalid("A device check result is too long.")
    return text


def parse_results(raw: str) -> list[CheckResult]:
    """Read the JSON the page sends: {"version": 1, "checks": [{"id", "status", "detail"}]}.

    Returns the results in the page's order; "" gives []. Raises ResultsInvalid otherwise."""
    raw = raw.strip()
    if not raw:
        return []
    if len(raw) > MAX_RESULTS_CHARS:
        raise ResultsInvalid("The device check results are too large to attach.")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ResultsInvalid("The device check results could not be read.") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ResultsInvalid("The device check results are not in the expected form.")
    checks = data.get("checks")
    if not isinstance(checks, list) or not checks or len(checks) > len(LABELS):
        raise ResultsInvalid("The device check results are not in the expected form.")
    found: dict[str, CheckResult] = {}
    for item in checks:
        if not isinstance(item, dict) or set(item) - {"id", "status", "detail"}:
            raise ResultsInvalid("The device check results are not in the expected form.")
        check_id, status = item.get("id"), item.get("status")
        if check_id not in LABELS or check_id in found or status not in STATUSES:
            raise ResultsInvalid("The device check results are not in the expected form.")
        found[check_id] = CheckResult(check_id, status, _clean_text(item.get("detail", "")))
    return [found[k] for k in LABELS if k in found]


def as_json(results: list[CheckResult]) -> str:
    """The results as the page sends them (to carry them through a form sent back)."""
    checks = [{"id": r.id, "status": r.status, "detail": r.detail} for r in results]
    return json.dumps({"version": 1, "checks": checks}, separators=(",", ":"))


def form_answers(results: list[CheckResult]) -> dict[str, str]:
    """The results as a ticket's form answers: one readable line per check."""
    return {r.label: f"{r.status_label}: {r.detail}" for r in results}


def plain_text(results: list[CheckResult]) -> str:
    """The results as lines for the first message."""
    if not results:
        return ""
    return "Device check:\n" + "\n".join(f"- {r.line()}" for r in results)


def suggested_subject(results: list[CheckResult]) -> str:
    failed = [r.label.lower() for r in results if r.status == "fail"]
    warned = [r.label.lower() for r in results if r.status == "warn"]
    if failed:
        return "Device check failed: " + ", ".join(failed)
    if warned:
        return "Device check warning: " + ", ".join(warned)
    return "Problem after a passing device check" if results else ""
