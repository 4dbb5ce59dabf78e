"""The policy editor's helpers: the form editor beside the YAML (the common conditions and
actions of one policy as form fields, written back into the same policy), picking a real
ticket to try a policy on, and the names (teams, people) a simulation's answer shows."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q

from caredesk.accounts.models import ContactKind, Organization, Plan, Team, User
from caredesk.rules.engine import SCOPE_FACTS
from caredesk.tickets import selectors
from caredesk.tickets.models import Channel, Mailbox, Priority, RequestType, Ticket
from caredesk.tickets.pure import pk_from_ref

MAX_TEXT = 2000
MAX_PHRASES = 200

# --- names instead of slugs --------------------------------------------------------------


ROLE_WORDS = {
    "": "nobody",
    "none": "nobody",
    "account_manager": "the organization's account manager",
    "assignee": "the assignee",
}


@dataclass
class Names:
    """Team and people names for the slugs and addresses a policy's actions use."""

    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls, emails: Iterable[str] = ()) -> Names:
        teams = {t.slug: t for t in Team.objects.select_related("lead", "on_call")}
        wanted = {e.lower() for e in emails if "@" in e}
        people = {u.email: u for u in User.objects.filter(email__in=wanted)} if wanted else {}
        return cls(teams=teams, people=people)

    def team(self, slug: str | None) -> str:
        if not slug:
            return "—"
        team = self.teams.get(str(slug))
        return team.name if team else f"“{slug}” (no such team yet)"

    def who(self, name: Any) -> str:
        """One of the people a rule names, in words."""
        text = str(name)
        kind, _, slug = text.partition(":")
        if text in ROLE_WORDS:
            return ROLE_WORDS[text]
        if kind in ("team", "lead", "on_call") and slug:
            team = self.teams.get(slug)
            if team is None:
                return f"“{slug}” (no such team yet)"
            if kind == "team":
                return f"everyone in {team.name}"
            person = team.lead if kind == "lead" else team.on_call
            role = "lead" if kind == "lead" else "on-call person"
            return f"{team.name}'s {role} ({person.name if person else 'none set'})"
        person = self.people.get(text.lower())
        return person.name if person else text

    def everyone(self, value: Any) -> str:
        names = [value] if isinstance(value, str) else list(value or [])
        return ", ".join(self.who(n) for n in names) or "nobody"


def _emails_in(result: Mapping[str, Any]) -> list[str]:
    found = [str(result.get("assignee") or "")]
    for action in result.get("actions") or []:
        for key in ("to", "assignee"):
            value = action.get(key)
            found += [value] if isinstance(value, str) else [str(v) for v in value or []]
    return found


ACTION_WORDS = {
    "set_category": "Set the request type",
    "set_priority": "Set the level",
    "set_team": "Route to",
    "set_tier": "Set the tier",
    "set_assignee": "Assign to",
    "set_status": "Set the status",
    "add_tags": "Add tags",
    "add_note": "Add an internal note",
    "apply_macro": "Reply with the macro",
    "guidance": "Show guidance",
    "escalate": "Escalate to",
    "block_escalation": "Block escalation",
    "notify": "Notify",
    "page_on_call": "Page the on-call person of",
    "open_tracker_issue": "Open a tracker issue in",
    "open_complaint": "Open the complaint file",
    "open_rma": "Open an RMA for the unit",
    "webhook": "Call the webhook",
    "queue_until_open": "Hold until it opens:",
}


def named_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """A simulation's answer with request type, team and people names instead of slugs
    (three queries)."""
    names = Names.load(_emails_in(result))
    steps = []
    for a in result.get("actions") or []:
        kind = a.get("type")
        if kind in ("set_team", "escalate"):
            what = names.team(a.get("team"))
        elif kind == "page_on_call":
            what = names.team(a.get("rotation"))
        elif kind in ("notify", "set_assignee"):
            what = names.everyone(a.get("to", a.get("assignee")))
        elif kind == "set_priority":
            what = (
                Priority(int(a["priority"])).label if a.get("priority") in Priority.values else ""
            )
        else:
            what = str(
                next(
                    (
                        a[k]
                        for k in ("category", "macro", "project", "endpoint", "calendar")
                        if k in a
                    ),
                    "",
                )
            )
            if kind == "add_tags":
                what = ", ".join(str(t) for t in a.get("tags") or [])
        steps.append({"words": ACTION_WORDS.get(str(kind), str(kind)), "what": what, **a})
    category = result.get("category")
    kind = RequestType.objects.filter(slug=category).first() if category else None
    return {
        **result,
        "category_name": kind.name
        if kind
        else (f"“{category}” (no such request type yet)" if category else "—"),
        "priority_name": Priority(result["priority"]).label
        if result.get("priority") in Priority.values
        else str(result.get("priority", "")),
        "team_name": names.team(result.get("team")),
        "assignee_name": names.who(result.get("assignee")) if result.get("assignee") else "—",
        "escalated_to_name": names.team(result.get("escalated_to"))
        if result.get("escalated_to")
        else "—",
        "steps": steps,
    }


# --- a real ticket to try a policy on ------------------------------------------------------

PICK_LIMIT = 8


def pick_ticket(user: User, text: str) -> tuple[Ticket | None, list[Ticket]]:
    """The ticket `text` names (its reference), or the one ticket whose subject or requester
    it matches; otherwise the matches to choose from (only tickets `user` may see)."""
    text = text.strip()
    if not text:
        return None, []
    visible = selectors.tickets_visible(user).select_related(
        "requester", "organization__account_manager", "team", "assignee", "category"
    )
    pk = pk_from_ref(text)
    if pk is not None:
        found = visible.filter(pk=pk).first()
        return found, []
    words = Q(subject__icontains=text) | Q(requester__name__icontains=text)
    matches = list(visible.filter(words).order_by("-created_at", "-pk")[: PICK_LIMIT + 1])
    if len(matches) == 1:
        return matches[0], []
    return None, matches[:PICK_LIMIT]


# --- the form editor -----------------------------------------------------------------------

SCOPE_LABELS = {
    "organizations": "Organizations",
    "plans": "Plans",
    "channels": "Channels",
    "requester_types": "Requesters",
    "mailboxes": "Mailboxes",
    "brands": "Brands",
}
EDITABLE = ("set_team", "escalate", "set_priority", "set_category", "add_tags", "guidance",
            "block_escalation")  # fmt: skip


def scope_words(scope: Mapping[str, list[str]]) -> list[str]:
    """A policy's scope in words, e.g. ["Channels: Email", "Plans: Premium"]; [] for all."""
    labels = {
        "plans": dict(Plan.choices),
        "channels": dict(Channel.choices),
        "requester_types": dict(ContactKind.choices),
    }
    out = []
    for key, values in scope.items():
        shown = [str(labels.get(key, {}).get(v, v)) for v in values]
        out.append(f"{SCOPE_LABELS.get(key, key)}: {', '.join(shown)}")
    return out


def _keyword_leaves(when: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """The keyword conditions a form can edit: the rule's condition itself, or one of the
    parts of its top-level `all` / `any`."""
    if not isinstance(when, Mapping):
        return []
    if "keywords" in when:
        return [("top", when)]
    out: list[tuple[str, Mapping[str, Any]]] = []
    for key in ("all", "any"):
        for k, part in enumerate(when.get(key) or []):
            if isinstance(part, Mapping) and "keywords" in part:
                out.append((f"{key}{k}", part))
    return out


def _leaf(when: dict[str, Any], where: str) -> dict[str, Any]:
    if where == "top":
        return when
    key, k = where[:3], int(where[3:])
    part: dict[str, Any] = when[key][k]
    return part


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


@dataclass
class Section:
    legend: str
    fields: list[str]
    hint: str = ""


class PolicyFieldsForm(forms.Form):
    """One policy's common settings as form fields: name, description, on/off, scope; per
    rule its name, keyword lists and the routes, levels, tags, guidance and blocks it sets.
    Everything else in the policy stays exactly as the YAML has it."""

    name = forms.CharField(max_length=120, label="Name")
    description = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(required=False, label="Active (runs on tickets)")
    scope_organizations = forms.CharField(
        required=False,
        label="Organizations",
        help_text="One organization name a line. Empty: every organization, and none.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scope_plans = forms.MultipleChoiceField(
        required=False,
        choices=Plan.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Plans",
        help_text="None ticked: every plan.",
    )
    scope_channels = forms.MultipleChoiceField(
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Channels",
        help_text="None ticked: every channel.",
    )
    scope_requester_types = forms.MultipleChoiceField(
        required=False,
        choices=ContactKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Requesters",
        help_text="None ticked: every requester.",
    )
    scope_mailboxes = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mailboxes",
        help_text="The addresses mail arrived on. None ticked: every mailbox.",
    )
    scope_brands = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Brands",
        help_text="Mail to any of a brand's addresses, and for the default mailbox's brand the "
        "portal, help form, API, chat and phone. None ticked: every brand.",
    )

    def __init__(self, data: Any = None, *, policy_data: Mapping[str, Any]) -> None:
        self.source_data = copy.deepcopy(dict(policy_data))
        scope = self.source_data.get("scope") or {}
        initial: dict[str, Any] = {
            "name": self.source_data.get("name", ""),
            "description": self.source_data.get("description", ""),
            "active": bool(self.source_data.get("active", True)),
            "scope_organizations": "\n".join(scope.get("organizations") or []),
            "scope_plans": list(scope.get("plans") or []),
            "scope_channels": list(scope.get("channels") or []),
            "scope_requester_types": list(scope.get("requester_types") or []),
            "scope_mailboxes": list(scope.get("mailboxes") or []),
            "scope_brands": list(scope.get("brands") or []),
        }
        super().__init__(data, initial=initial)
        self._mailbox_choices(scope)
        self.sections = [
            Section("Policy", ["name", "description", "active"]),
            Section(
                "Which tickets it governs",
                [f"scope_{k}" for k in SCOPE_FACTS],
                "A ticket is governed when it matches every part filled in.",
            ),
        ]
        teams = list(Team.objects.order_by("tier", "name").values_list("slug", "name"))
        types = list(RequestType.objects.order_by("name").values_list("slug", "name"))
        for i, rule in enumerate(self.source_data.get("rules") or []):
            if isinstance(rule, Mapping):
                self._rule_fields(i, rule, teams, types)

    def _mailbox_choices(self, scope: Mapping[str, Any]) -> None:
        """The mailboxes and brands to tick (one query); names the policy already uses that no
        mailbox has any more are shown as such, so the save says what is wrong."""
        rows = list(Mailbox.objects.order_by("brand", "address").values_list("address", "brand"))
        boxes = [(a, a) for a, _b in rows]
        brands = [(b, b) for b in dict.fromkeys(b for _a, b in rows)]
        for key, choices, what in (("mailboxes", boxes, "mailbox"), ("brands", brands, "brand")):
            known = {c for c, _l in choices}
            gone = [v for v in scope.get(key) or [] if v not in known]
            choices += [(v, f"{v} (no such {what})") for v in gone]
            box = self.fields[f"scope_{key}"]
            assert isinstance(box, forms.MultipleChoiceField)
            box.choices = choices

    def _rule_fields(
        self,
        i: int,
        rule: Mapping[str, Any],
        teams: list[tuple[str, str]],
        types: list[tuple[str, str]],
    ) -> None:
        names = [f"rule{i}_name"]
        self.fields[names[0]] = forms.CharField(
            max_length=120, label="Rule name", initial=rule.get("name", "")
        )
        for where, leaf in _keyword_leaves(rule.get("when")):
            key = f"rule{i}_kw_{where}"
            self.fields[key] = forms.CharField(
                label="Words and phrases it looks for",
                help_text="One a line; any of them matches (case and spacing do not matter)."
                + (
                    " Their other wordings (synonyms) stay as the YAML has them."
                    if leaf.get("synonyms")
                    else ""
                ),
                initial="\n".join(str(p) for p in leaf.get("keywords") or []),
                widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
                max_length=MAX_TEXT * 5,
                error_messages={"required": "Give at least one word or phrase."},
            )
            names.append(key)
        for j, action in enumerate(rule.get("actions") or []):
            if not isinstance(action, Mapping) or action.get("type") not in EDITABLE:
                continue
            names += self._action_fields(f"rule{i}_a{j}", action, teams, types)
        self.sections.append(
            Section(f"Rule {i + 1}: {rule.get('name', '')}", names, _rule_hint(rule))
        )

    def _action_fields(
        self,
        key: str,
        action: Mapping[str, Any],
        teams: list[tuple[str, str]],
        types: list[tuple[str, str]],
    ) -> list[str]:
        kind = action["type"]
        if kind in ("set_team", "escalate"):
            current = str(action.get("team", ""))
            choices = list(teams)
            if current and current not in dict(teams):
                choices.append((current, f"{current} (no such team yet)"))
            label = "Route to team" if kind == "set_team" else "Escalate to team"
            self.fields[f"{key}_team"] = forms.ChoiceField(
                choices=choices, label=label, initial=current
            )
            return [f"{key}_team"]
        if kind == "set_category":
            current = str(action.get("category", ""))
            choices = list(types)
            if current and current not in dict(types):
                choices.append((current, f"{current} (no such request type yet)"))
            self.fields[f"{key}_category"] = forms.ChoiceField(
                choices=choices, label="Set the request type to", initial=current
            )
            return [f"{key}_category"]
        if kind == "set_priority":
            self.fields[f"{key}_priority"] = forms.TypedChoiceField(
                choices=Priority.choices, coerce=int, label="Set the level to",
                initial=action.get("priority"),
            )  # fmt: skip
            return [f"{key}_priority"]
        if kind == "add_tags":
            self.fields[f"{key}_tags"] = forms.CharField(
                label="Add tags",
                help_text="Separate tags with commas.",
                initial=", ".join(str(t) for t in action.get("tags") or []),
                max_length=500,
                error_messages={"required": "Give at least one tag."},
            )
            return [f"{key}_tags"]
        label = "Guidance for the agent" if kind == "guidance" else "Why escalation is blocked"
        param = "text" if kind == "guidance" else "reason"
        self.fields[f"{key}_{param}"] = forms.CharField(
            label=label,
            initial=str(action.get(param, "")),
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        return [f"{key}_{param}"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for key, value in list(cleaned.items()):
            if "_kw_" in key and isinstance(value, str):
                phrases = _lines(value)
                if not phrases:
                    self.add_error(key, "Give at least one word or phrase.")
                elif len(phrases) > MAX_PHRASES:
                    self.add_error(key, f"Give at most {MAX_PHRASES} phrases.")
            if key.endswith("_tags") and isinstance(value, str):
                tags = [t.strip() for t in value.split(",") if t.strip()]
                if not tags:
                    self.add_error(key, "Give at least one tag.")
                elif any(len(t) > 50 for t in tags):
                    self.add_error(key, "Keep each tag under 50 characters.")
        seen: dict[str, str] = {}
        for key in [k for k in self.fields if k.startswith("rule") and k.endswith("_name")]:
            name = str(cleaned.get(key) or "").strip()
            if name and name.casefold() in seen:
                self.add_error(key, "Another rule of this policy has this name.")
            seen.setdefault(name.casefold(), key)
        self._check_organizations(_lines(str(cleaned.get("scope_organizations") or "")))
        return cleaned

    def _check_organizations(self, orgs: list[str]) -> None:
        if not orgs:
            return
        if len(orgs) > MAX_PHRASES:
            self.add_error("scope_organizations", f"Name at most {MAX_PHRASES} organizations.")
            return
        named = Q()
        for org in orgs:
            named |= Q(name__iexact=org)
        found = {
            n.casefold() for n in Organization.objects.filter(named).values_list("name", flat=True)
        }
        # a name the policy already had while missing stays (it may be set up later)
        before = (self.source_data.get("scope") or {}).get("organizations") or []
        found |= {str(o).casefold() for o in before}
        missing = [o for o in orgs if o.casefold() not in found]
        if missing:
            self.add_error("scope_organizations", f"No organization is called “{missing[0]}”.")

    def policy(self) -> dict[str, Any]:
        """The policy's data with the form's values written in (call after is_valid)."""
        d = self.cleaned_data
        data = copy.deepcopy(self.source_data)
        data["name"] = d["name"].strip()
        data["description"] = d["description"].strip()
        data["active"] = bool(d["active"])
        scope: dict[str, list[str]] = {}
        if _lines(d["scope_organizations"]):
            scope["organizations"] = _lines(d["scope_organizations"])
        for key in ("plans", "channels", "requester_types", "mailboxes", "brands"):
            if d[f"scope_{key}"]:
                scope[key] = list(d[f"scope_{key}"])
        data.pop("scope", None)
        if scope:
            data["scope"] = scope
        rules = data.get("rules") or []
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            rule["name"] = d[f"rule{i}_name"].strip()
            for where, _leaf_data in _keyword_leaves(rule.get("when")):
                _leaf(rule["when"], where)["keywords"] = _lines(d[f"rule{i}_kw_{where}"])
            for j, action in enumerate(rule.get("actions") or []):
                key = f"rule{i}_a{j}"
                for param in ("team", "category", "priority", "text", "reason"):
                    if f"{key}_{param}" in d:
                        action[param] = d[f"{key}_{param}"]
                if f"{key}_tags" in d:
                    action["tags"] = [t.strip() for t in d[f"{key}_tags"].split(",") if t.strip()]
        # keys in the order a policy file writes them
        order = ["name", "slug", "description", "active", "position", "scope", "rules"]
        return {k: data[k] for k in order if k in data}

    def errors_from(self, errors: Mapping[str, list[str]]) -> None:
        """Put a save's field errors on the fields they concern (the rest on the form)."""
        for key, messages in errors.items():
            for message in messages:
                target = {"name": "name", "description": "description"}.get(key)
                if key == "scope":
                    target = next(
                        (f"scope_{k}" for k in SCOPE_FACTS if f"scope.{k}:" in message), None
                    )
                    if target is None and "organization" in message:
                        target = "scope_organizations"
                self.add_error(target, message)


def _rule_hint(rule: Mapping[str, Any]) -> str:
    on = rule.get("on") or ["ticket.created"]
    events = ", ".join(on) if isinstance(on, list) else str(on)
    others = [
        str(a.get("type"))
        for a in rule.get("actions") or []
        if isinstance(a, Mapping) and a.get("type") not in EDITABLE
    ]
    hint = f"Runs on {events}."
    if others:
        hint += f" Also: {', '.join(others)} (change those in the YAML)."
    return hint
