"""The `caredesk` command: serve, worker, demo, keys, backup, token, audit, migrate, manage…"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

# no Django here: the parser is built before settings are loaded
from caredesk.accounts.scopes import ALL_SCOPES, PERSONAL_DEFAULT_DAYS, PERSONAL_MAX_DAYS


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _consumer() -> Any:
    """An in-process Huey consumer whose threads stop with the web server."""
    from huey.consumer import Consumer
    from huey.contrib.djhuey import HUEY

    import caredesk.tasks  # noqa: F401 - registers every job and periodic schedule

    class EmbeddedConsumer(Consumer):  # type: ignore[misc]
        def _set_signal_handlers(self) -> None:
            # The web server owns the process signals; it stops us on shutdown.
            pass

    return EmbeddedConsumer(HUEY, workers=2, worker_type="thread", periodic=True)


def web_server_options() -> dict[str, Any]:
    """How `caredesk serve` runs uvicorn. uvicorn would otherwise take the client's address from
    X-Forwarded-For whenever the peer is 127.0.0.1 (its default --forwarded-allow-ips), so a
    client could choose it; CareDesk reads forwarded headers itself, from trusted proxies only
    (caredesk/core/forwarded.py), and needs the connecting address as it is."""
    return {
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "log_level": "warning",
        "log_config": None,  # keep CareDesk's log format (settings.LOGGING) for uvicorn too
        "lifespan": "off",
    }


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("CAREDESK_INSECURE_HTTP", "1")
    os.environ["PORT"] = str(args.port)  # links in mail follow it unless CAREDESK_BASE_URL is set
    _setup()
    import uvicorn
    from django.conf import settings

    from caredesk.demo import demo_load, demo_wanted

    _manage("migrate", "--noinput", "-v", "0")
    if not settings.DEBUG:
        _manage("collectstatic", "--noinput", "-v", "0")
    if demo_wanted():
        print("Loading demo data (first start)…", flush=True)
        demo_load()
    _install_shipped()
    consumer = None if args.no_worker else _consumer()
    if consumer is not None:
        consumer.start()
    url = f"http://{args.host}:{args.port}/"
    print(f"\nCareDesk is running at {url}", flush=True)
    print(
        f"  Agent desk: {url}agent/   Portal: {url}portal/   API docs: {url}api/v1/docs", flush=True
    )
    print(f"  Data folder: {settings.DATA_DIR}", flush=True)
    from caredesk.demo import DEMO_LOGINS

    print("  Demo logins (password for all: " + DEMO_LOGINS["password"] + "):", flush=True)
    for role, email in DEMO_LOGINS["accounts"]:
        print(f"    {role:<22} {email}", flush=True)
    print(
        "  Staff accounts set up two-step sign-in at their first sign-in: scan the QR code with"
        " an authenticator app, or type the key shown under it.",
        flush=True,
    )
    try:
        uvicorn.run(
            "caredesk.asgi:application",
            host=args.host,
            port=args.port,
            **web_server_options(),
        )
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from huey.contrib.djhuey import HUEY

    import caredesk.tasks  # noqa: F401 - registers every job and periodic schedule

    consumer = HUEY.create_consumer(workers=args.workers, worker_type="thread", periodic=True)
    consumer.run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.demo import demo_load

    _manage("migrate", "--noinput", "-v", "0")
    demo_load(tickets=args.tickets)
    print("Demo data loaded.")
    return 0


def cmd_createagent(args: argparse.Namespace) -> int:
    _setup()
    import getpass

    from caredesk.accounts.models import Team
    from caredesk.accounts.services import agent_create
    from caredesk.core.errors import DomainError

    password = (
        args.password or os.environ.get("CAREDESK_AGENT_PASSWORD") or getpass.getpass("Password: ")
    )
    teams = list(Team.objects.filter(slug__in=args.team or []))
    try:
        user = agent_create(
            email=args.email, name=args.name, password=password, role=args.role, teams=teams
        )
    except DomainError as exc:
        print(f"error: {exc.detail} {exc.errors}", file=sys.stderr)
        return 2
    if args.superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    print(f"Created agent {user.email}")
    return 0


def _token_owner(args: argparse.Namespace) -> Any:
    """The account a new token is for (a partner's service account is made once), or None."""
    from caredesk.accounts.models import Organization, User
    from caredesk.accounts.services import partner_account

    if args.partner:
        organization = Organization.objects.filter(name=args.partner.strip()).first()
        if organization is None:
            print(f"error: no organization named {args.partner}", file=sys.stderr)
            return None
        return partner_account(organization=organization)
    user = User.objects.filter(email=args.user.strip().lower(), is_active=True).first()
    if user is None:
        print(f"error: no active user {args.user}", file=sys.stderr)
    return user


def cmd_token(args: argparse.Namespace) -> int:
    _setup()
    from datetime import timedelta

    from caredesk.accounts.models import Organization
    from caredesk.accounts.services import token_create
    from caredesk.core import clock
    from caredesk.core.errors import DomainError

    user = _token_owner(args)
    if user is None:
        return 2
    organization = None
    if args.organization:
        organization = Organization.objects.filter(name=args.organization.strip()).first()
        if organization is None:
            print(f"error: no organization named {args.organization}", file=sys.stderr)
            return 2
    expires_at = None
    if args.expires_in is not None:
        expires_at = clock.now() + timedelta(days=args.expires_in)
    try:
        token, secret = token_create(
            user=user,
            name=args.name,
            scopes=args.scope,
            organization=organization,
            expires_at=expires_at,
        )
    except DomainError as exc:
        print(f"error: {exc.detail} {exc.errors}", file=sys.stderr)
        return 2
    print(secret)
    expires = token.expires_at.strftime("%Y-%m-%d %H:%M UTC") if token.expires_at else "never"
    limit = f"; only {token.organization.name}" if token.organization else ""
    print(f"scopes: {' '.join(token.scopes)}; expires: {expires}{limit}", file=sys.stderr)
    return 0


def cmd_service_account_create(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.accounts.models import Organization
    from caredesk.accounts.services import service_account_create
    from caredesk.core.errors import DomainError

    organization = None
    if args.organization:
        organization = Organization.objects.filter(name=args.organization.strip()).first()
        if organization is None:
            print(f"error: no organization named {args.organization}", file=sys.stderr)
            return 2
    try:
        user = service_account_create(name=args.name, organization=organization, role=args.role)
    except DomainError as exc:
        print(f"error: {exc.detail} {exc.errors}", file=sys.stderr)
        return 2
    print(user.email)
    return 0


def cmd_sla_explain(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.sla.explain import explain
    from caredesk.tickets.models import Ticket
    from caredesk.tickets.pure import pk_from_ref

    pk = pk_from_ref(args.ref)
    ticket = Ticket.objects.filter(pk=pk).first() if pk else None
    if ticket is None:
        print(f"error: no ticket {args.ref}", file=sys.stderr)
        return 2
    print(explain(ticket))
    return 0


def cmd_sla_tick(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.sla.services import sla_tick

    print(f"{sla_tick()} SLA events written")
    return 0


def cmd_retention_plan(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.governance.models import RecordClass
    from caredesk.governance.services.retention import retention_plan

    print(f"{'record class':<50} {'kept':>10} {'older than':>12} {'would go':>9} {'held':>6}")
    for p in retention_plan():
        label = RecordClass(p.record_class).label
        if p.keep_days is None or p.cutoff is None:
            print(f"{label:<50} {'for ever':>10} {'-':>12} {0:>9} {'-':>6}")
            continue
        kept = f"{p.keep_days} days"
        print(f"{label:<50} {kept:>10} {p.cutoff:%Y-%m-%d}   {p.due:>9} {p.held:>6}")
    print("Nothing was deleted (a plan only). The nightly purge deletes what would go.")
    return 0


def cmd_retention_purge(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.governance.services.retention import retention_purge

    for p in retention_purge():
        print(f"{p.record_class}: {p.total} rows deleted, {p.held} kept under legal hold")
    return 0


def cmd_monitors_run(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.incidents.models import Monitor
    from caredesk.incidents.monitors import monitors_run

    ran = monitors_run()
    down = Monitor.objects.filter(enabled=True, last_result="down").count()
    print(f"{ran} monitor(s) checked; {down} enabled monitor(s) down")
    return 0


def _mail_parser(sub: Any) -> None:
    mail = sub.add_parser("mail", help="incoming mail")
    msub = mail.add_subparsers(dest="mail_command", required=True)
    mi = msub.add_parser(
        "ingest", help="take one raw message (for an MTA pipe); prints the outcome"
    )
    mi.add_argument("file", nargs="?", default="-", help="a .eml file, or - for standard input")
    mi.set_defaults(func=cmd_mail_ingest)


def _monitors_parser(sub: Any) -> None:
    mon = sub.add_parser("monitors", help="synthetic monitors of the status page's components")
    msub = mon.add_subparsers(dest="monitors_command", required=True)
    mr = msub.add_parser("run", help="run the monitors whose check is due, once, now")
    mr.set_defaults(func=cmd_monitors_run)


def _retention_parser(sub: Any) -> None:
    retention = sub.add_parser("retention", help="record retention and purge")
    rsub = retention.add_subparsers(dest="retention_command", required=True)
    plan = rsub.add_parser("plan", help="what a purge would delete now (writes nothing)")
    plan.set_defaults(func=cmd_retention_plan)
    purge = rsub.add_parser("purge", help="delete what is past its retention period now")
    purge.set_defaults(func=cmd_retention_purge)


def cmd_rules_simulate(args: argparse.Namespace) -> int:
    _setup()
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from caredesk.core.errors import DomainError
    from caredesk.rules.simulation import run

    try:
        ticket = json.loads(Path(args.ticket).read_text())
        policy = Path(args.policy).read_text() if args.policy else None
        now = (
            datetime.fromisoformat(args.now.replace("Z", "+00:00"))
            if args.now
            else datetime.now(UTC)
        )
        if now.tzinfo is None:
            raise ValueError("--now needs a timezone offset, e.g. Z")
        result = run(ticket=ticket, now=now, policy_yaml=policy, trigger=args.event)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(json.dumps({"error": exc.detail, "errors": exc.errors}, indent=2), file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_rules_import(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from caredesk.core.errors import DomainError
    from caredesk.rules.policies import policies_import

    try:
        saved = policies_import(
            text=Path(args.file).read_text(encoding="utf-8"), actor=None, note=args.note
        )
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"error: {args.file} is not UTF-8 text", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {exc.detail} {exc.errors}", file=sys.stderr)
        return 2
    for policy in saved:
        print(f"{policy.slug}: version {policy.version}")
    return 0


def cmd_devices_import(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from caredesk.core.errors import DomainError
    from caredesk.devices.services import assets_import, read_csv

    try:
        rows = read_csv(Path(args.file).read_bytes())
        report = assets_import(rows=rows, actor=None, dry_run=args.dry_run)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {exc.detail} {' '.join(sum(exc.errors.values(), []))}", file=sys.stderr)
        return 2
    for row in report.refused:
        print(f"line {row.line}: refused {row.serial or '(no serial)'}: {'; '.join(row.errors)}")
    accepted, refused = len(report.accepted), len(report.refused)
    if args.dry_run:
        print(f"dry run: {accepted} row(s) would be imported, {refused} refused; nothing written")
    else:
        print(f"{report.written} asset(s) imported, {refused} row(s) refused")
    return 1 if refused else 0


def cmd_rules_export(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.rules.models import Policy
    from caredesk.rules.policies import policy_yaml

    chosen = Policy.objects.order_by("position", "id")
    if args.slug:
        chosen = chosen.filter(slug__in=args.slug)
    print(policy_yaml(list(chosen)), end="")
    return 0


def cmd_mail_ingest(args: argparse.Namespace) -> int:
    _setup()
    import json
    from pathlib import Path

    from caredesk.intake.services import mail_ingest

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    source = "pipe" if args.file == "-" else f"file:{Path(args.file).name}"
    from django.db import InterfaceError, OperationalError

    try:
        outcome = mail_ingest(raw=raw, source=source)
    except (OperationalError, InterfaceError) as exc:
        # 75 (EX_TEMPFAIL): the mail server keeps the message and delivers it again later
        print(f"error: the database cannot be reached ({type(exc).__name__})", file=sys.stderr)
        return 75
    print(json.dumps(outcome.as_dict()))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.compliance.report import verify_command

    return verify_command(as_json=args.json, out=sys.stdout, err=sys.stderr)


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.compliance.report import checkpoint_command

    return checkpoint_command(out=sys.stdout)


def cmd_audit_restored(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.compliance.report import restored_command

    return restored_command(reason=args.reason, out=sys.stdout, err=sys.stderr)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _manage("migrate", "--noinput")
    _install_shipped()
    return 0


def _install_shipped() -> None:
    """The shipped policies never installed before (the safety rules from the first start);
    a lead's edits are never overwritten. Says which teams they name are not set up yet."""
    from caredesk.rules.policies import policy_problems
    from caredesk.rules.shipped import install_shipped

    installed = install_shipped()
    if not installed:
        return
    print(f"Installed the shipped policies: {', '.join(p.name for p in installed)}.", flush=True)
    teams = sorted({m.ref for p in installed for m in policy_problems(p) if m.kind == "team"})
    if teams:
        print(
            f"  They name teams not set up yet ({', '.join(teams)}): create them, or change "
            "the policies at Protocols in the desk; until then those actions are skipped.",
            flush=True,
        )


def cmd_keys_new(args: argparse.Namespace) -> int:
    from caredesk.core.phi_crypto import generate_key

    print(f"{args.id}={generate_key()}")
    return 0


def cmd_keys_status(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core.phi import keyring
    from caredesk.tickets.services.keys import keys_status

    ring = keyring()
    print(f"active key: {ring.active_id}   configured: {', '.join(ring.ids)}")
    for part, counts in keys_status().items():
        shown = ", ".join(f"{kid}: {n}" for kid, n in counts.items()) or "nothing stored"
        print(f"{part}: {shown}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core.phi import keyring
    from caredesk.tickets.services.keys import keys_rotate

    print(f"Re-encrypting under key {keyring().active_id}, {args.batch} rows a batch…", flush=True)
    unreadable: list[str] = []
    for step in keys_rotate(batch=args.batch):
        unreadable += step.unreadable
        print(
            f"{step.part}: {step.done} checked, {step.rewritten} "
            f"{'re-indexed' if 'index' in step.part else 're-encrypted'} in this batch, "
            f"{step.remaining} to go",
            flush=True,
        )
    if unreadable:
        print(f"{len(unreadable)} could not be read (changed, or their key is gone):")
        for what in unreadable:
            print(f"  {what}")
        return 1
    print("Done: everything is under the active key.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from caredesk.core.backup import BackupRefused, sqlite_backup

    try:
        size = sqlite_backup(target=Path(args.file))
    except (BackupRefused, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Backed up to {args.file} ({size:,} bytes). The PHI keys are not in it: keep them apart."
    )
    return 0


def _when(text: str) -> Any:
    """--since: an ISO date or instant (UTC unless an offset is given), or an age: 90m, 6h, 2d."""
    import re
    from datetime import UTC, datetime, timedelta

    from caredesk.core import clock

    age = re.fullmatch(r"(\d+)\s*(m|h|d)", text.strip())
    if age:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[age[2]]
        return clock.now() - timedelta(**{unit: int(age[1])})
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a date (2026-11-30), an instant (2026-11-30T08:00Z) or an age (6h)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def cmd_outbox_status(args: argparse.Namespace) -> int:
    _setup()
    import json

    from caredesk.core import clock
    from caredesk.core.outbox import describe, outbox_status

    status = outbox_status()
    now = clock.now()
    if args.json:
        print(
            json.dumps(
                {
                    "counts": status.counts,
                    "oldest_waiting_seconds": (now - status.oldest_waiting).total_seconds()
                    if status.oldest_waiting
                    else None,
                    "next_attempt": status.next_attempt.isoformat()
                    if status.next_attempt
                    else None,
                    "schedule_seconds": [step.total_seconds() for step in status.schedule],
                    "span_seconds": status.span.total_seconds(),
                }
            )
        )
        return 0
    waits = ", ".join(describe(step) for step in status.schedule)
    print(f"retry schedule: {len(status.schedule) + 1} attempts, waiting {waits} in between")
    print(f"a peer may be down for {describe(status.span)} before an item is given up")
    states = ("pending", "sending", "sent", "failed")
    print(f"{'kind':<10}" + "".join(f"{state:>10}" for state in states))
    for kind, counts in sorted(status.counts.items()):
        print(f"{kind:<10}" + "".join(f"{counts.get(state, 0):>10}" for state in states))
    if status.oldest_waiting is not None:
        print(f"oldest item not yet delivered: {describe(now - status.oldest_waiting)} old")
    if status.next_attempt is not None:
        due = status.next_attempt - now
        print(
            "next attempt due now"
            if due.total_seconds() <= 0
            else f"next attempt in {describe(due)}"
        )
    failed = sum(counts.get("failed", 0) for counts in status.counts.values())
    if failed:
        print(f"{failed} given up: `caredesk outbox replay --kind KIND` (or IDs) queues them again")
    return 0


def cmd_outbox_replay(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core.outbox import outbox_replay

    if not (args.ids or args.kind or args.since or args.all):
        print("error: name item IDs, --kind, --since, or --all", file=sys.stderr)
        return 2
    replayed = outbox_replay(ids=args.ids or None, kind=args.kind or "", since=args.since)
    if not replayed:
        print("nothing to replay: no given-up item matches (only given-up items are replayed)")
        return 0
    shown = ", ".join(str(r.item_id) for r in replayed[:20])
    more = f" and {len(replayed) - 20} more" if len(replayed) > 20 else ""
    print(f"{len(replayed)} given-up item(s) queued again with a fresh schedule: {shown}{more}")
    return 0


def _outbox_parser(sub: Any) -> None:
    outbox = sub.add_parser("outbox", help="deliveries of mail, webhooks and tracker issues")
    osub = outbox.add_subparsers(dest="outbox_command", required=True)
    st = osub.add_parser("status", help="items by kind and state, the retry schedule")
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.set_defaults(func=cmd_outbox_status)
    rp = osub.add_parser(
        "replay", help="queue given-up items again (audited; items not given up are left alone)"
    )
    rp.add_argument("ids", nargs="*", type=int, metavar="ID", help="outbox item IDs")
    rp.add_argument("--kind", help="only this kind: email, webhook, tracker")
    rp.add_argument(
        "--since", type=_when, help="only items whose last attempt was since then (date, or 6h)"
    )
    rp.add_argument("--all", action="store_true", help="every given-up item")
    rp.set_defaults(func=cmd_outbox_replay)


def cmd_search_rebuild(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.tickets.search import index_rebuild

    print(f"Building the search index again, {args.batch} tickets a batch…", flush=True)
    done = 0
    for done in index_rebuild(batch=args.batch):
        print(f"{done} tickets indexed", flush=True)
    print(f"Done: {done} tickets in the search index.")
    return 0


def cmd_qa_sample(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.core import clock
    from caredesk.qa.pure import previous_week, week_bounds, week_of
    from caredesk.qa.services import sample_week

    week = args.week or previous_week(week_of(clock.now()))
    try:
        week_bounds(week)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    done = sample_week(week=week)
    print(
        f"{done.week}: {done.agents} agents, {done.interactions} interactions, "
        f"{done.sampled} newly sampled"
    )
    return 0


def _qa_parser(sub: Any) -> None:
    qa = sub.add_parser("qa", help="quality assurance")
    qsub = qa.add_subparsers(dest="qa_command", required=True)
    sample = qsub.add_parser(
        "sample", help="draw a week's review sample (idempotent; default: last week)"
    )
    sample.add_argument("--week", default="", help="ISO week, e.g. 2026-W49")
    sample.set_defaults(func=cmd_qa_sample)


def cmd_reports_rollup(args: argparse.Namespace) -> int:
    _setup()
    from caredesk.reports.rollup import advance, rebuild

    read = rebuild() if args.rebuild else advance()
    print(f"{read} ticket events read into the reports.")
    return 0


def _reports_parser(sub: Any) -> None:
    reports = sub.add_parser("reports", help="the reports' rollups")
    rsub = reports.add_subparsers(dest="reports_command", required=True)
    rr = rsub.add_parser("rollup", help="read the ticket events written since the last run")
    rr.add_argument(
        "--rebuild", action="store_true", help="forget every figure and replay the whole log"
    )
    rr.set_defaults(func=cmd_reports_rollup)


def _search_parser(sub: Any) -> None:
    search = sub.add_parser("search", help="the full-text search index")
    ssub = search.add_subparsers(dest="search_command", required=True)
    sr = ssub.add_parser(
        "rebuild", help="index every ticket again (after loading data past the triggers)"
    )
    sr.add_argument("--batch", type=int, default=2000, help="tickets per transaction")
    sr.set_defaults(func=cmd_search_rebuild)


def _keys_parser(sub: Any) -> None:
    keys = sub.add_parser("keys", help="encryption keys for health information")
    ksub = keys.add_subparsers(dest="keys_command", required=True)
    kn = ksub.add_parser("new", help="print a new random key as id=base64")
    kn.add_argument("--id", default="k1", help="the key's id (letters, digits, - or _)")
    kn.set_defaults(func=cmd_keys_new)
    ks = ksub.add_parser("status", help="how many stored values and files are under each key")
    ks.set_defaults(func=cmd_keys_status)
    kr = ksub.add_parser(
        "rotate", help="re-encrypt everything not under the active key (resumable)"
    )
    kr.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    kr.set_defaults(func=cmd_keys_rotate)
    b = sub.add_parser("backup", help="copy the embedded SQLite database to a new file")
    b.add_argument("file")
    b.set_defaults(func=cmd_backup)


def _rules_parser(sub: Any) -> None:
    rules = sub.add_parser("rules", help="triage, routing and escalation policies")
    rsub = rules.add_subparsers(dest="rules_command", required=True)
    rs = rsub.add_parser("simulate", help="what the policies would do to a ticket (writes nothing)")
    rs.add_argument("--ticket", required=True, help="the ticket as a JSON file")
    rs.add_argument("--policy", help="a policy YAML file to try instead of the active policies")
    rs.add_argument("--now", help="the instant to evaluate at (ISO 8601 with offset)")
    rs.add_argument("--event", default="ticket.created", help="the event (default ticket.created)")
    rs.set_defaults(func=cmd_rules_simulate)
    ri = rsub.add_parser("import", help="create or update policies from a YAML file")
    ri.add_argument("file")
    ri.add_argument("--note", default="imported from the command line")
    ri.set_defaults(func=cmd_rules_import)
    rx = rsub.add_parser("export", help="print policies as YAML")
    rx.add_argument("slug", nargs="*")
    rx.set_defaults(func=cmd_rules_export)


def _audit_parser(sub: Any) -> None:
    au = sub.add_parser("audit", help="the access audit")
    ausub = au.add_subparsers(dest="audit_command", required=True)
    av = ausub.add_parser(
        "verify", help="check the hash chain and signed checkpoints (exit 1 on any problem)"
    )
    av.add_argument("--json", action="store_true", help="print the outcome as JSON")
    av.set_defaults(func=cmd_audit_verify)
    ac = ausub.add_parser("checkpoint", help="sign the chain's newest entry now")
    ac.set_defaults(func=cmd_audit_checkpoint)
    ar = ausub.add_parser(
        "restored",
        help="after restoring the database from a backup: sign its chain's head as a restore point",
    )
    ar.add_argument("--reason", default="", help="why, e.g. the incident or ticket number")
    ar.set_defaults(func=cmd_audit_restored)


def _token_parser(sub: Any) -> None:
    t = sub.add_parser("token", help="API tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tc = tsub.add_parser("create", help="create a token and print it once")
    who = tc.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", help="the token acts as this person")
    who.add_argument(
        "--partner",
        metavar="ORGANIZATION",
        help="a partner integration's token: reads and reports that organization's tickets only",
    )
    tc.add_argument("--name", default="CLI token")
    tc.add_argument(
        "--scope",
        action="append",
        choices=ALL_SCOPES,
        help="a scope to give the token (repeatable); default: every scope the role allows",
    )
    tc.add_argument(
        "--organization",
        metavar="ORGANIZATION",
        help="limit the token to this organization's tickets, contacts and audit",
    )
    tc.add_argument(
        "--expires-in",
        type=int,
        metavar="DAYS",
        help=f"days until it expires (people: 1-{PERSONAL_MAX_DAYS}, default "
        f"{PERSONAL_DEFAULT_DAYS}; service accounts: default never)",
    )
    tc.set_defaults(func=cmd_token)
    sa = sub.add_parser("service-account", help="accounts for integrations (API tokens only)")
    sasub = sa.add_subparsers(dest="service_account_command", required=True)
    sac = sasub.add_parser("create", help="create a service account and print its address")
    sac.add_argument("--name", required=True)
    owner = sac.add_mutually_exclusive_group(required=True)
    owner.add_argument(
        "--organization",
        metavar="ORGANIZATION",
        help="a client's integration: acts as that organization's administrator, nothing more",
    )
    owner.add_argument(
        "--role",
        choices=["Agent", "Supervisor", "Administrator", "Compliance officer"],
        help="an internal integration, acting in this staff role",
    )
    sac.set_defaults(func=cmd_service_account_create)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="caredesk", description="CareDesk support desk")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="web app and in-process worker")
    s.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    s.add_argument(
        "--no-worker", action="store_true", help="run jobs in separate `caredesk worker` processes"
    )
    s.set_defaults(func=cmd_serve)
    w = sub.add_parser("worker", help="a separate job worker (scale-out)")
    w.add_argument("--workers", type=int, default=2)
    w.set_defaults(func=cmd_worker)
    d = sub.add_parser("demo", help="load demo data")
    d.add_argument("--tickets", type=int, default=300)
    d.set_defaults(func=cmd_demo)
    a = sub.add_parser("createagent", help="create a staff account")
    a.add_argument("--email", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--password")
    a.add_argument(
        "--role",
        default="Agent",
        choices=["Agent", "Supervisor", "Administrator", "Compliance officer"],
    )
    a.add_argument("--team", action="append", help="team slug (repeatable)")
    a.add_argument("--superuser", action="store_true")
    a.set_defaults(func=cmd_createagent)
    _token_parser(sub)
    sla = sub.add_parser("sla", help="service levels")
    slasub = sla.add_subparsers(dest="sla_command", required=True)
    se = slasub.add_parser("explain", help="print a ticket's SLA timeline")
    se.add_argument("ref", help="ticket reference, e.g. CD-1042")
    se.set_defaults(func=cmd_sla_explain)
    st = slasub.add_parser("tick", help="fire due SLA warnings and breaches now")
    st.set_defaults(func=cmd_sla_tick)
    _rules_parser(sub)
    dev = sub.add_parser("devices", help="devices and their warranty")
    dsub = dev.add_subparsers(dest="devices_command", required=True)
    di = dsub.add_parser(
        "import", help="register assets from a CSV file (rows that pass; refused rows listed)"
    )
    di.add_argument("file")
    di.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    di.set_defaults(func=cmd_devices_import)
    _retention_parser(sub)
    _monitors_parser(sub)
    _keys_parser(sub)
    _search_parser(sub)
    _reports_parser(sub)
    _qa_parser(sub)
    _mail_parser(sub)
    _audit_parser(sub)
    _outbox_parser(sub)
    m = sub.add_parser("migrate", help="apply database migrations")
    m.set_defaults(func=cmd_migrate)
    sub.add_parser("manage", help="pass the rest to Django's manage.py", add_help=False)
    return p


FILE_ARGUMENTS = frozenset({"file", "ticket", "policy"})  # paths: any bytes the system allows


def _text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["caredesk manage", *argv[1:]])
        return 0
    args = parser().parse_args(argv)
    for name, value in vars(args).items():
        if isinstance(value, str) and name not in FILE_ARGUMENTS and not _text(value):
            # bytes the locale could not decode, kept as surrogates: a file name may hold
            # them, but text stored or compared (a name, an address) must be UTF-8
            print(f"caredesk: --{name} is not valid UTF-8 text; nothing was done.", file=sys.stderr)
            return 2
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
