"""Writers for policies: validated saves that keep every version, rollback, YAML in and out.

A policy file holds one policy or a list of them:

    name: Member services routing
    slug: member-services
    description: ...
    active: true
    position: 10
    rules:
      - name: Cancellations
        on: [ticket.created, field.changed]
        when: {field: category, op: eq, value: cancellation}
        actions:
          - {type: guidance, text: "Handle in Tier 1: process the cancellation in Admin."}
          - {type: block_escalation, reason: "Cancellations are handled in Tier 1."}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core import text as storable
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.rules import actions
from caredesk.rules.conditions import ConditionError
from caredesk.rules.engine import compile_rules, compile_scope, scope_values
from caredesk.rules.models import Policy, PolicyVersion

MAX_YAML_CHARS = 200_000
KEYS = {"name", "slug", "description", "active", "position", "scope", "rules"}


def parse_yaml(text: str) -> list[dict[str, Any]]:
    """The policies a YAML text holds, or ValidationFailed saying where it is wrong."""
    if len(text) > MAX_YAML_CHARS:
        raise ValidationFailed(
            "The policy is too long.",
            errors={"yaml": [f"Keep it under {MAX_YAML_CHARS:,} characters."]},
        )
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ValidationFailed(
            "The YAML could not be read.", errors={"yaml": [f"Not valid YAML{where}."]}
        ) from None
    items = [i for d in documents for i in (d if isinstance(d, list) else [d])]
    if not items or not all(isinstance(i, Mapping) for i in items):
        raise ValidationFailed(
            "The YAML holds no policy.", errors={"yaml": ["Write a policy with a name and rules."]}
        )
    found = _unstorable(items if len(items) > 1 else items[0])
    if found:
        where = ".".join(str(p) for p in found[0]) or "the text"
        raise ValidationFailed(
            "The YAML could not be read.", errors={"yaml": [f"{where}: {found[1]}"]}
        )
    return [_with_on_keys(dict(i)) for i in items]


_NOT_JSON = (
    "Write this value as text in quotes: a policy keeps only text, numbers, true and false, "
    "lists and mappings."
)


def _unstorable(data: Any, path: storable.Path = ()) -> tuple[storable.Path, str] | None:
    """Where parsed YAML holds what a policy cannot keep, and why: a value JSON has no form for
    (a date, binary data, a set, .nan), or text no database stores (YAML's "\\0", "\\ud800")."""
    if isinstance(data, str):
        why = storable.problem(data)
        return (path, why) if why else None
    if data is None or isinstance(data, int) or (isinstance(data, float) and math.isfinite(data)):
        return None
    if not isinstance(data, list | dict):
        return path, _NOT_JSON
    pairs = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in pairs:
        why = _bad_key(key) if isinstance(data, dict) else None
        step = key if isinstance(key, int | str) else str(key)
        found = (path, why) if why else _unstorable(value, (*path, step))
        if found:
            return found
    return None


def _bad_key(key: Any) -> str | None:
    if isinstance(key, str):
        return storable.problem(key)
    return None if key is None or isinstance(key, int | float) else _NOT_JSON


def _with_on_keys(item: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 reads a bare `on:` key as the boolean true; rules mean the word."""
    rules = item.get("rules")
    if isinstance(rules, list):
        item["rules"] = [
            {("on" if k is True else k): v for k, v in r.items()} if isinstance(r, Mapping) else r
            for r in rules
        ]
    return item


def check_document(
    data: Mapping[str, Any],
    *,
    references: bool = True,
    already_missing: frozenset[tuple[str, str]] = frozenset(),
) -> dict[str, Any]:
    """Validate one policy's data (by compiling its rules and scope, and unless `references`
    is false, by finding the teams, request types, macros, calendars and organizations it
    names); returns the document.

    A name that does not exist is refused only when this change brings it in: names the
    policy already used while missing (a shipped policy on a desk without that team yet) are
    kept, and the desk lists them (`policy_problems`)."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - KEYS)
    if unknown:
        errors["yaml"] = [f"Unknown keys: {', '.join(unknown)}."]
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = ["Give the policy a name."]
    scope = data.get("scope")
    try:
        compile_scope(scope)
    except ConditionError as exc:
        errors["scope"] = [str(exc)]
    else:
        errors.update(_scope_errors(scope))
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        errors["rules"] = ["Give at least one rule."]
    else:
        try:
            compile_rules(rules)
        except ConditionError as exc:
            errors["rules"] = [str(exc)]
    document: dict[str, Any] = {"rules": rules}
    if scope:
        document["scope"] = scope_values(scope)
    if not errors and references:
        brought_in = [m for m in missing_in(document) if m.key not in already_missing]
        if brought_in:
            for m in brought_in:
                errors.setdefault("scope" if m.kind == "organization" else "rules", []).append(
                    m.message
                )
    if errors:
        raise ValidationFailed("The policy is not valid.", errors=errors)
    return document


def _scope_errors(scope: Any) -> dict[str, list[str]]:
    """Plans, channels, requester types, mailboxes and brands a scope names that CareDesk does
    not know."""
    from caredesk.accounts.models import ContactKind, Plan
    from caredesk.tickets.models import Channel, Mailbox

    known: dict[str, list[str]] = {
        "plans": Plan.values,
        "channels": Channel.values,
        "requester_types": ContactKind.values,
    }
    named = scope_values(scope)
    if "mailboxes" in named or "brands" in named:
        rows = list(Mailbox.objects.values_list("address", "brand"))
        known["mailboxes"] = sorted({a for a, _b in rows})
        known["brands"] = sorted({b for _a, b in rows})
    out: dict[str, list[str]] = {}
    for key, values in named.items():
        allowed = known.get(key)
        if allowed is None:
            continue
        wrong = [v for v in values if v.strip().casefold() not in allowed]
        if wrong:
            singular = {"mailboxes": "mailbox"}.get(key, key.rstrip("s")).replace("_", " ")
            choices = f"choose from {', '.join(allowed)}" if allowed else f"no {key} yet"
            out["scope"] = [
                *out.get("scope", []),
                f"scope.{key}: no {singular} {wrong[0]!r} ({choices})",
            ]
    return out


@dataclass(frozen=True)
class Missing:
    """A team, request type, macro, calendar, endpoint or organization a policy names that
    does not exist (yet)."""

    rule: str  # "" for the policy's scope
    kind: str
    ref: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.ref)

    @property
    def message(self) -> str:
        where = f"rule {self.rule!r}" if self.rule else "scope"
        return f"{where}: no {self.kind} {self.ref!r}"


def _calendars_in(condition: Any) -> set[str]:
    if isinstance(condition, Mapping):
        found = (
            {str(condition["business_hours"]["calendar"])}
            if "business_hours" in condition
            else set()
        )
        for value in condition.values():
            found |= _calendars_in(value)
        return found
    if isinstance(condition, list):
        return set().union(*(_calendars_in(c) for c in condition)) if condition else set()
    return set()


def _wants(action: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) pairs of the configuration an action refers to."""
    kind, p = action.get("type"), action
    out: list[tuple[str, str]] = []
    if kind in ("set_team", "escalate"):
        out.append(("team", str(p["team"])))
    if kind == "set_category":
        out.append(("request type", str(p["category"])))
    if kind == "apply_macro":
        out.append(("macro", str(p["macro"])))
    if kind == "queue_until_open":
        out.append(("calendar", str(p["calendar"])))
    if kind == "page_on_call":
        out.append(("team", str(p["rotation"])))
    if kind == "webhook":
        out.append(("webhook endpoint", str(p["endpoint"])))
    if kind in ("notify", "set_assignee"):
        who = p.get("to", p.get("assignee"))
        for name in [who] if isinstance(who, str) else list(who or []):
            if str(name).startswith(("team:", "on_call:", "lead:")):
                out.append(("team", str(name).split(":", 1)[1]))
    return out


def missing_references(rules: list[Any]) -> list[str]:
    """Why a policy's rules would fail on a live ticket: each team, request type, macro,
    calendar and endpoint they name that does not exist."""
    return [m.message for m in missing_in({"rules": rules})]


def missing_in(document: Mapping[str, Any]) -> list[Missing]:
    """Everything a policy's document names that does not exist, in the order it names it."""
    return missing_in_many([document])[0]


def _named(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    wanted: list[tuple[str, str, str]] = []
    for org in scope_values(document.get("scope")).get("organizations", []):
        wanted.append(("", "organization", org))
    for rule in document.get("rules") or []:
        if not isinstance(rule, Mapping):
            continue
        name = str(rule.get("name"))
        for cal in _calendars_in(rule.get("when")):
            wanted.append((name, "calendar", cal))
        for action in rule.get("actions") or []:
            if isinstance(action, Mapping):
                wanted += [(name, kind, ref) for kind, ref in _wants(action)]
    return list(dict.fromkeys(wanted))


def missing_in_many(documents: list[Mapping[str, Any]]) -> list[list[Missing]]:
    """For each document, what it names that does not exist (a few queries for them all)."""
    from caredesk.accounts.models import Organization, Team
    from caredesk.rules.models import Macro
    from caredesk.sla.models import Calendar
    from caredesk.tickets.models import RequestType

    named = [_named(d) for d in documents]
    existing = {
        "team": set(Team.objects.values_list("slug", flat=True)),
        "request type": set(RequestType.objects.values_list("slug", flat=True)),
        "macro": set(Macro.objects.filter(owner__isnull=True).values_list("slug", flat=True)),
        "calendar": set(Calendar.objects.values_list("name", flat=True)),
    }
    orgs = {ref for wanted in named for _r, kind, ref in wanted if kind == "organization"}
    if orgs:
        same = Q()
        for org in orgs:
            same |= Q(name__iexact=org)
        existing["organization"] = {
            n.casefold() for n in Organization.objects.filter(same).values_list("name", flat=True)
        }
    existing.update((kind, set(names())) for kind, names in actions.references.items())
    return [
        [
            Missing(rule, kind, ref)
            for rule, kind, ref in wanted
            if (ref.casefold() if kind == "organization" else ref) not in existing.get(kind, ())
        ]
        for wanted in named
    ]


def policies_problems(policies: list[Policy]) -> dict[int, list[Missing]]:
    """`policy_problems` for a list of policies, by id."""
    found = missing_in_many([p.document or {} for p in policies])
    return {p.pk: problems for p, problems in zip(policies, found, strict=True)}


def policy_problems(policy: Policy) -> list[Missing]:
    """What a saved policy names that does not exist yet: the actions that need it are
    skipped (and the ticket's history says so) until someone creates it."""
    return missing_in(policy.document or {})


@transaction.atomic
def policy_save(
    *,
    data: Mapping[str, Any],
    actor: User | None,
    note: str = "",
    policy: Policy | None = None,
    source: str = "",
    allow_missing: bool = False,
) -> Policy:
    """Create or change a policy from its data; writes a new version (who, when, why).

    `source` is the YAML as written, kept so the editor shows the author's own layout.
    Names that do not exist are refused when the change brings them in, unless
    `allow_missing` (an import: a file written for a desk whose teams are not set up yet)."""
    if allow_missing:
        document = check_document(data, references=False)
    else:
        before = frozenset(m.key for m in missing_in(policy.document or {})) if policy else None
        document = check_document(data, already_missing=before or frozenset())
    name = str(data["name"]).strip()
    slug = str(data.get("slug") or (policy.slug if policy else "") or slugify(name))[:60]
    itself = Q(pk=policy.pk) if policy else Q()
    clash = Policy.objects.filter(slug=slug).exclude(itself)
    if clash.exists() or Policy.objects.filter(name=name).exclude(itself).exists():
        raise ValidationFailed(
            "Another policy has that name.", errors={"name": ["Choose another name."]}
        )
    policy = policy or Policy(updated_at=clock.now())
    policy.name, policy.slug = name, slug
    policy.description = str(data.get("description") or "")
    policy.active = bool(data.get("active", True))
    policy.position = int(data.get("position", policy.position or 0))
    policy.document = document
    policy.source = source
    policy.version += 1
    policy.updated_at = clock.now()
    policy.updated_by = actor
    policy.save()
    PolicyVersion.objects.create(
        policy=policy,
        number=policy.version,
        document=document,
        source=source,
        active=policy.active,
        author=actor,
        note=note[:300],
        created_at=policy.updated_at,
    )
    return policy


def policy_save_yaml(
    *, text: str, actor: User | None, note: str = "", policy: Policy | None = None
) -> Policy:
    """Save one policy written as YAML (the editor's text)."""
    items = parse_yaml(text)
    if len(items) != 1:
        raise ValidationFailed(
            "Write one policy here.", errors={"yaml": ["This editor holds one policy."]}
        )
    return policy_save(data=items[0], actor=actor, note=note, policy=policy, source=text)


@transaction.atomic
def policies_import(*, text: str, actor: User | None, note: str = "imported") -> list[Policy]:
    """Create or update (by slug) every policy in a YAML file, all or none."""
    saved = []
    parse_yaml(text)  # the whole file must read, before anything is saved
    i = 0
    for part in _documents(text):
        items = parse_yaml(part)
        single = part if len(items) == 1 else ""  # one policy: keep its text as written
        for item in items:
            slug = str(item.get("slug") or slugify(str(item.get("name") or "")))
            existing = Policy.objects.filter(slug=slug).first() if slug else None
            try:
                saved.append(
                    policy_save(
                        data=item,
                        actor=actor,
                        note=note,
                        policy=existing,
                        source=single,
                        allow_missing=True,
                    )
                )
            except ValidationFailed as exc:
                errors = {f"{i}.{k}": v for k, v in exc.errors.items()}
                raise ValidationFailed(exc.detail, errors=errors) from None
            i += 1
    return saved


def _documents(text: str) -> list[str]:
    """The YAML documents of a file, as text (split on `---` lines), empty ones left out."""
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.rstrip() == "---":
            parts.append("".join(current))
            current = []
        else:
            current.append(line)
    parts.append("".join(current))
    return [
        p
        for p in parts
        if p.strip() and any(not ln.lstrip().startswith("#") for ln in p.splitlines() if ln.strip())
    ]


@transaction.atomic
def policy_rollback(*, policy: Policy, number: int, actor: User | None) -> Policy:
    """Make an earlier version current again (as a new version, so nothing is lost)."""
    old = PolicyVersion.objects.filter(policy=policy, number=number).first()
    if old is None:
        raise NotFound("No such version.")
    if old.source.strip():
        data = parse_yaml(old.source)[0]
    else:
        data = {**policy_data(policy), "rules": old.document.get("rules"), "active": old.active}
        data.pop("scope", None)
        if old.document.get("scope"):
            data["scope"] = old.document["scope"]
    note = f"rolled back to version {number}"
    return policy_save(
        data=data, actor=actor, note=note, policy=policy, source=old.source, allow_missing=True
    )


def policy_data(policy: Policy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "slug": policy.slug,
        "description": policy.description,
        "active": policy.active,
        "position": policy.position,
        **({"scope": policy.scope} if policy.scope else {}),
        "rules": policy.rules,
    }


def policy_yaml(policies: list[Policy] | Policy) -> str:
    """YAML for one policy or several (one YAML document each, `---` between), each as its
    author wrote it when known, so comments and layout survive an export."""
    if isinstance(policies, Policy):
        if policies.source.strip():
            return policies.source
        return yaml.safe_dump(
            policy_data(policies),
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=None,  # the innermost lists and mappings on one line
        )
    return "---\n".join(policy_yaml(p).rstrip("\n") + "\n" for p in policies)
