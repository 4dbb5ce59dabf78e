"""Benchmark: evaluating 200 rules against one event (target: median < 2 ms).

The rules mix keyword, field, time-in-state and history conditions, as the shipped policies do.
Run: .venv/bin/python bench/rules_eval.py
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from caredesk.rules.conditions import Facts, HistoryItem
from caredesk.rules.engine import CompiledPolicy, compile_rules, evaluate, plan

WORDS = ["unable to connect", "billing", "urgent", "refund", "injury", "burn", "shock", "no audio",
         "cancel", "schedule", "eligibility", "password", "firmware", "battery", "webinar"]  # fmt: skip


def rules(n: int) -> list[dict]:
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            when = {"keywords": [WORDS[i % len(WORDS)], f"code e-{i}"]}
        elif kind == 1:
            when = {
                "all": [
                    {"field": "priority", "op": "lte", "value": 1 + i % 4},
                    {"field": "plan", "op": "in", "value": ["basic", "premium"]},
                ]
            }
        elif kind == 2:
            when = {"in_state": {"status": "pending", "more_than_hours": 24 + i % 48}}
        else:
            when = {
                "history": {"event": "created", "within_days": 30, "same": "fields.device_serial"}
            }
        out.append(
            {
                "name": f"rule {i}",
                "on": ["ticket.created"],
                "when": when,
                "actions": [{"type": "add_tags", "tags": [f"r{i}"]}],
            }
        )
    return out


def main() -> None:
    now = datetime(2026, 11, 2, 15, tzinfo=UTC)
    compiled = compile_rules(rules(200))
    history = [
        HistoryItem(now - timedelta(days=d), "created", {"device_serial": f"PT-{d}"})
        for d in range(40)
    ]
    facts = Facts(
        now=now,
        subject="Device shows error and battery will not charge",
        body="Hello, the unit stopped during treatment yesterday. " * 20,
        priority=2,
        plan="standard",
        status="open",
        status_since=now - timedelta(hours=3),
        fields={"device_serial": "PT-17"},
        history=history,
    )
    policies = [CompiledPolicy("bench", tuple(compiled))]

    def timed(run: object) -> list[float]:
        samples = []
        for _ in range(2000):
            t0 = time.perf_counter()
            run()  # type: ignore[operator]
            samples.append((time.perf_counter() - t0) * 1000)
        return sorted(samples)

    out = {"rules": 200}
    # evaluate: which rules match; plan: what the desk runs (matches, actions, later rounds)
    for name, run in (
        ("evaluate", lambda: evaluate(compiled, "ticket.created", facts)),
        ("plan", lambda: plan(policies, "ticket.created", facts)),
    ):
        samples = timed(run)
        out[f"{name}_median_ms"] = round(statistics.median(samples), 3)
        out[f"{name}_p95_ms"] = round(samples[int(len(samples) * 0.95)], 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
