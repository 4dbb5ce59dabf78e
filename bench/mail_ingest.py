"""Mail intake speed: `mail ingest` of varied messages on the embedded SQLite database.

    .venv/bin/python bench/mail_ingest.py                  # 10,000 messages: intake alone
    .venv/bin/python bench/mail_ingest.py --protocols      # with the demo's four protocols acting
    .venv/bin/python bench/mail_ingest.py --processes 2    # two ingest processes at once

A mail server hands messages to `caredesk mail ingest` through concurrent pipes; --processes N
runs N processes on the same database, each with the messages of its own senders (so every
conversation keeps its order, as it does when a mail server delivers it).

The mix: new requests (plain, HTML, with a screenshot), replies threaded by In-Reply-To,
replies by the reference in the subject, the same message twice, auto-replies, and unreadable
mail. Messages go through the same function as `caredesk mail ingest`, in-process (the process
start of the command would be measured otherwise). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from email.message import EmailMessage
from email.utils import make_msgid

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
FIRST = ["Odette", "Bram", "Chioma", "Dana", "Elif", "Femi", "Greta", "Hana", "Ivo", "Jalen"]
LAST = ["Larkin", "Oakhurst", "Fairbank", "Kestrel", "Ellery", "Dunmore", "Greystone", "Jessup"]
SUBJECTS = [
    "Video visit keeps freezing",
    "Cannot log in after the update",
    "Invoice shows the wrong plan",
    "Pump alarm E-17 every hour",
    "Scale will not sync",
    "Appointment time is wrong",
]


def _mail(rng: random.Random, n: int, **extra: str) -> EmailMessage:
    msg = EmailMessage()
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    msg["From"] = extra.pop("From", f"{who} <patient{n % 700}@patients.example>")
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = extra.pop("Subject", f"{rng.choice(SUBJECTS)} ({n})")
    msg["Message-ID"] = make_msgid(idstring=f"m{n}", domain="patients.example")
    for key, value in extra.items():
        msg[key] = value
    return msg


def messages(count: int, seed: int = 11) -> list[tuple[str, bytes]]:
    """(kind, raw) pairs in a realistic mix."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    sent: list[EmailMessage] = []
    for n in range(count):
        roll = rng.random()
        if roll < 0.30 or not sent:
            msg = _mail(rng, n)
            msg.set_content("Hello,\n\nIt stopped working this morning. Could you help?\n\nThanks")
            kind = "new"
        elif roll < 0.42:
            msg = _mail(rng, n)
            msg.set_content("It stopped working.")
            msg.add_alternative("<p>It <b>stopped</b> working.</p><p>Thanks</p>", subtype="html")
            kind = "new-html"
        elif roll < 0.52:
            msg = _mail(rng, n)
            msg.set_content("Screenshot attached.")
            msg.add_attachment(PNG, maintype="image", subtype="png", filename="screen.png")
            kind = "new-attachment"
        elif roll < 0.80:
            parent = rng.choice(sent)
            msg = _mail(
                rng,
                n,
                From=str(parent["From"]),
                Subject=f"Re: {parent['Subject']}",
                **{
                    "In-Reply-To": str(parent["Message-ID"]),
                    "References": str(parent["Message-ID"]),
                },
            )
            msg.set_content(f"Still happening.\n\nOn Tue, Support wrote:\n> {parent['Subject']}\n")
            kind = "reply"
        elif roll < 0.88:
            out.append(("duplicate", rng.choice(sent).as_bytes()))
            continue
        elif roll < 0.96:
            msg = _mail(rng, n, **{"Auto-Submitted": "auto-replied"})
            msg.set_content("I am out of the office until Monday.")
            kind = "auto-reply"
        else:
            out.append(("unreadable", b"\x00\x01 not a message " + str(n).encode()))
            continue
        sent.append(msg)
        out.append((kind, msg.as_bytes()))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument(
        "--protocols", action="store_true", help="load the demo's policies, which act on new mail"
    )
    p.add_argument("--processes", type=int, default=1, help="ingest processes at once")
    args = p.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="caredesk-mail-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="caredesk.settings",
        CAREDESK_DATA_DIR=data_dir,
        CAREDESK_LOG_LEVEL="ERROR",
        CAREDESK_DEMO="0",
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.protocols:
        from caredesk.demo import demo_load

        demo_load(tickets=0)
    batch = messages(args.messages)
    if args.processes > 1:
        from django.db import connections

        connections.close_all()
        seconds, statuses = _in_processes(batch, args.processes)
    else:
        from caredesk.intake.services import mail_ingest

        statuses = Counter()
        t0 = time.perf_counter()
        for _kind, raw in batch:
            statuses[mail_ingest(raw=raw, source="bench").status] += 1
        seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "messages": len(batch),
                "seconds": round(seconds, 1),
                "per_second": round(len(batch) / seconds, 1),
                "protocols": args.protocols,
                "processes": args.processes,
                "outcomes": dict(sorted(statuses.items())),
                "mix": dict(sorted(Counter(k for k, _r in batch).items())),
                "database": "SQLite (WAL)",
                "python": sys.version.split()[0],
            }
        )
    )
    return 0


def _sender(raw: bytes) -> str:
    for line in raw.split(b"\n", 40):
        if line.startswith(b"From:"):
            return line.decode("ascii", "replace")
    return ""


def _shard(messages: list[bytes], start: object, out: object) -> None:
    import django

    django.setup()
    from caredesk.intake.services import mail_ingest

    start.wait()  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    for raw in messages:
        counts[mail_ingest(raw=raw, source="bench").status] += 1
    out.put(dict(counts))  # type: ignore[attr-defined]


def _in_processes(batch: list[tuple[str, bytes]], n: int) -> tuple[float, Counter[str]]:
    """Each process takes the senders whose address hashes to it; returns wall time, outcomes."""
    import zlib

    shards: list[list[bytes]] = [[] for _ in range(n)]
    for _kind, raw in batch:
        shards[zlib.crc32(_sender(raw).encode()) % n].append(raw)
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_shard, args=(shard, start, out)) for shard in shards]
    for w in workers:
        w.start()
    time.sleep(3)  # let every process finish its start-up before the clock runs
    t0 = time.perf_counter()
    start.set()
    statuses: Counter[str] = Counter()
    for _ in workers:
        statuses.update(out.get())
    seconds = time.perf_counter() - t0
    for w in workers:
        w.join()
    return seconds, statuses


if __name__ == "__main__":
    sys.exit(main())
