"""Protocol screens: escalating a ticket as the protocol says, the agent's notifications, and
the policy editor where a support lead reads, tries and changes the rules."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import Team
from caredesk.core import clock
from caredesk.core.access import agent_required, form_errors_from
from caredesk.core.errors import DomainError, NotFound
from caredesk.core.models import Notification
from caredesk.desk.forms import EscalateForm, PolicyForm, SimulateForm
from caredesk.desk.mentions import live_notices
from caredesk.desk.policy_tools import PolicyFieldsForm, named_result, pick_ticket, scope_words
from caredesk.desk.views import _sidebar, _ticket_or_404, _user, recount
from caredesk.oncall import selectors as oncall_selectors
from caredesk.rules import policies as writers
from caredesk.rules.models import Policy, PolicyVersion
from caredesk.rules.policies import policies_problems, policy_data, policy_problems
from caredesk.rules.simulation import run as simulate_run
from caredesk.rules.simulation import run_on_ticket
from caredesk.tickets.selectors import ticket_get
from caredesk.tickets.services import EscalationBlocked, ticket_escalate

NEW_POLICY = """name: New policy
description: What this protocol is for.
rules:
  - name: First rule
    on: [ticket.created]
    when: {keywords: [example phrase]}
    actions:
      - {type: guidance, text: "What the agent should do."}
"""


def _next_team(ticket: Any) -> Team | None:
    """The team one tier up from the ticket, the usual escalation target."""
    return Team.objects.filter(tier=min((ticket.tier or 1) + 1, 3)).order_by("name").first()


def _escalated_message(user: Any, ticket: Any, team: Team) -> str:
    """The sender's confirmation, saying whether they can still open the ticket."""
    text = f"{ticket.ref} “{ticket.subject}” escalated to {team.name}."
    try:
        ticket_get(user=user, pk=ticket.pk)
    except NotFound:
        return f"{text} It has left your teams' queues; {team.name} has your hand-over notes."
    return f"{text} {team.name} sees your hand-over notes at the top of the ticket."


@recount
@agent_required
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    initial = {"team": _next_team(ticket)}
    form = EscalateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                ticket_escalate(
                    ticket=ticket,
                    team=d["team"],
                    actor=user,
                    reason=d["reason"],
                    action_taken=d["action_taken"],
                    next_steps=d["next_steps"],
                    override_reason=d["override_reason"],
                )
            except EscalationBlocked as exc:
                form.add_error(
                    "override_reason",
                    f"The protocol says: {exc.detail} To go ahead, say why it does not apply here.",
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                # back to the queue: the ticket may now be outside the sender's teams
                flash.success(request, _escalated_message(user, ticket, d["team"]))
                return redirect("desk:queue")
    context = {"ticket": ticket, "form": form, **_sidebar(user)}
    return render(request, "desk/escalate.html", context, status=status)


@recount
@agent_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())
        return redirect("desk:notifications")
    items = list(
        Notification.objects.filter(user=user).select_related("ticket").order_by("-id")[:100]
    )
    return render(request, "desk/notifications.html", {"items": items, **_sidebar(user)})


@agent_required
def live(request: HttpRequest) -> HttpResponse:
    """What every desk page refreshes on its own every few seconds (a background request that
    does not count as activity): the unread count, and the pages waiting for this person."""
    user = _user(request)
    context = {
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "waiting_pages": oncall_selectors.pages_waiting_for(user),
        **live_notices(request, user),  # presence for mention mail, and new notices
    }
    return render(request, "desk/_live.html", context)


def _can(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@agent_required
def policies(request: HttpRequest) -> HttpResponse:
    _can(request, "rules.view_policy")
    user = _user(request)
    if request.GET.get("format") == "yaml":
        response = HttpResponse(
            writers.policy_yaml(list(Policy.objects.order_by("position", "id"))),
            content_type="application/yaml; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="caredesk-policies.yaml"'
        return response
    rows = list(Policy.objects.select_related("updated_by").order_by("position", "id"))
    problems = policies_problems(rows)
    for row in rows:
        # each missing name once (several rules may name the same team)
        row.problems = list({m.key: m for m in problems[row.pk]}.values())  # type: ignore[attr-defined]
        row.scope_words = scope_words(row.scope)  # type: ignore[attr-defined]
    return render(request, "desk/policies.html", {"policies": rows, **_sidebar(user)})


def _policy(slug: str) -> Policy:
    policy = Policy.objects.filter(slug=slug).first()
    if policy is None:
        raise Http404("No such policy")
    return policy


def _simulation(form: SimulateForm, yaml_text: str, user: Any) -> dict[str, Any]:
    """Run the draft against a real ticket (picked by reference or search) or the ticket
    described as JSON; field errors go onto the form, several matches are offered."""
    if not form.is_valid():
        return {}
    now = form.cleaned_data["now"] or clock.now()
    event = form.cleaned_data["event"]
    pick = form.cleaned_data["pick"].strip()
    try:
        if pick:
            found, matches = pick_ticket(user, pick)
            if found is None:
                if not matches:
                    form.add_error("pick", "No ticket you can see has that reference or words.")
                return {"matches": matches}
            result = run_on_ticket(ticket=found, now=now, policy_yaml=yaml_text, trigger=event)
        else:
            if not form.cleaned_data["ticket"].strip():
                form.add_error("ticket", "Pick a real ticket above, or describe one here.")
                return {}
            try:
                ticket = json.loads(form.cleaned_data["ticket"])
            except ValueError as exc:
                form.add_error("ticket", f"Not valid JSON: {exc}.")
                return {}
            result = simulate_run(ticket=ticket, now=now, policy_yaml=yaml_text, trigger=event)
    except DomainError as exc:
        form_errors_from(form, exc)
        return {}
    return {
        "result": named_result(result),
        "result_json": json.dumps(result, indent=2, default=str),
    }


@agent_required
def policy_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Read, try and change one policy. Buttons: simulate (writes nothing) or save."""
    _can(request, "rules.view_policy")
    user = _user(request)
    policy = _policy(slug) if slug else None
    text = writers.policy_yaml(policy) if policy else NEW_POLICY
    form = PolicyForm(request.POST or None, initial={"yaml": text})
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("pick_ref"):  # one of several matching tickets chosen
        data["pick"], data["action"] = str(data["pick_ref"]), "simulate"
    sim = SimulateForm(data)
    extra: dict[str, Any] = {}
    status = 200
    if data is not None:
        action = data.get("action")
        if action == "simulate":
            _can(request, "rules.simulate_policy")
            if form.is_valid():
                extra = _simulation(sim, form.cleaned_data["yaml"], user)
            status = 200 if extra.get("result") or extra.get("matches") else 422
        elif action == "save":
            _can(request, "rules.change_policy" if policy else "rules.add_policy")
            sim = SimulateForm()
            if form.is_valid():
                try:
                    saved = writers.policy_save_yaml(
                        text=form.cleaned_data["yaml"],
                        actor=user,
                        note=form.cleaned_data["note"],
                        policy=policy,
                    )
                except DomainError as exc:
                    form_errors_from(form, exc)
                else:
                    flash.success(request, f"{saved.name}: version {saved.version} saved.")
                    return redirect("desk:policy", slug=saved.slug)
            status = 422
    versions = (
        list(PolicyVersion.objects.filter(policy=policy).select_related("author")[:50])
        if policy
        else []
    )
    context = {
        "policy": policy,
        "form": form,
        "sim": sim,
        "versions": versions,
        "problems": policy_problems(policy) if policy else [],
        "scope": scope_words(policy.scope) if policy else [],
        **extra,
        **_sidebar(user),
    }
    return render(request, "desk/policy.html", context, status=status)


@require_POST
@agent_required
def policy_rollback(request: HttpRequest, slug: str) -> HttpResponse:
    _can(request, "rules.change_policy")
    policy = _policy(slug)
    try:
        number = int(request.POST.get("version", ""))
        saved = writers.policy_rollback(policy=policy, number=number, actor=_user(request))
    except (ValueError, DomainError):
        flash.error(request, "That version could not be restored.")
        return redirect("desk:policy", slug=policy.slug)
    flash.success(request, f"Version {number} restored as version {saved.version}.")
    return redirect("desk:policy", slug=policy.slug)


@require_POST
@agent_required
def policies_import(request: HttpRequest) -> HttpResponse:
    _can(request, "rules.change_policy")
    _can(request, "rules.add_policy")
    upload = request.FILES.get("file")
    text = upload.read().decode("utf-8", "replace") if upload else request.POST.get("yaml", "")
    try:
        saved = writers.policies_import(text=text, actor=_user(request), note="imported")
    except DomainError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        flash.error(request, f"Nothing was imported. {exc.detail} {problems}")
    else:
        flash.success(request, f"Imported {len(saved)} policies.")
    return redirect("desk:policies")


@agent_required
def policy_form(request: HttpRequest, slug: str) -> HttpResponse:
    """The form editor beside the YAML: a policy's common settings (scope, rule names,
    keyword lists, routes, levels, tags, guidance, blocks), saved as a new version of the
    same policy."""
    _can(request, "rules.view_policy")
    user = _user(request)
    policy = _policy(slug)
    form = PolicyFieldsForm(request.POST or None, policy_data=policy_data(policy))
    status = 200
    if request.method == "POST":
        _can(request, "rules.change_policy")
        status = 422
        if form.is_valid():
            try:
                saved = writers.policy_save(
                    data=form.policy(),
                    actor=user,
                    note=str(request.POST.get("note", ""))[:300] or "changed with the form",
                    policy=policy,
                )
            except DomainError as exc:
                form.errors_from(exc.errors)
            else:
                flash.success(request, f"{saved.name}: version {saved.version} saved.")
                return redirect("desk:policy-form", slug=saved.slug)
    sections = [(s, [form[name] for name in s.fields]) for s in form.sections]
    context = {
        "policy": policy,
        "form": form,
        "sections": sections,
        "problems": policy_problems(policy),
        "note": request.POST.get("note", "") if request.method == "POST" else "",
        **_sidebar(user),
    }
    return render(request, "desk/policy_form.html", context, status=status)
