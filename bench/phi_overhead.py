"""Benchmark: what encrypting health information adds to opening a ticket.

Per ticket: the three PHI fields encrypted (AES-256-GCM, fresh nonce each), their three blind
indexes (HMAC-SHA256), one PHI form answer sealed, and reading them back (four decryptions).
This is the crypto work a ticket create and its first read do; the database work is unchanged
(the same one INSERT per table; three 64-character index columns more).
Run: .venv/bin/python bench/phi_overhead.py
"""

from __future__ import annotations

import json
import statistics
import time

from caredesk.core import phi_crypto as pc

FIELDS = ("patient_id", "clinician_id", "encounter_id")


def one_ticket(ring: pc.KeyRing, n: int) -> None:
    values = {f: f"{f[:3].upper()}-{n:08d}" for f in FIELDS}
    tokens = {f: pc.encrypt(ring, v, f"tickets.Ticket.{f}") for f, v in values.items()}
    for f, v in values.items():
        pc.blind_index(ring, v, f"tickets.Ticket.{f}")
    answer = pc.encrypt(ring, "1961-07-04", "tickets.Ticket.form_data.dob")
    for f, token in tokens.items():
        pc.decrypt(ring, token, f"tickets.Ticket.{f}")
    pc.decrypt(ring, answer, "tickets.Ticket.form_data.dob")


def main() -> None:
    ring = pc.keyring_from(pc.parse_entries(f"k1={pc.generate_key()},index={pc.generate_key()}"))
    for n in range(2000):  # warm up
        one_ticket(ring, n)
    samples = []
    for round_ in range(30):
        start = time.perf_counter()
        for n in range(1000):
            one_ticket(ring, round_ * 1000 + n)
        samples.append((time.perf_counter() - start) / 1000 * 1e6)
    data = b"x" * 1_000_000
    start = time.perf_counter()
    for _ in range(20):
        pc.decrypt_file(ring, pc.encrypt_file(ring, data, "file"), "file")
    file_ms = (time.perf_counter() - start) / 20 * 1000
    print(
        json.dumps(
            {
                "per_ticket_us_median": round(statistics.median(samples), 1),
                "per_ticket_us_p95": round(sorted(samples)[int(len(samples) * 0.95)], 1),
                "attachment_1mb_round_trip_ms": round(file_ms, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
