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
from caredesk.desk.views import _sidebar, _ticket_or_404, _user, recount
from caredesk.oncall import selectors as oncall_selectors
from caredesk.rules import policies as writers
from caredesk.rules.models import Policy, PolicyVersion
from caredesk.rules.simulation import run as simulate_run
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
    return render(request, "desk/policies.html", {"policies": rows, **_sidebar(user)})


def _policy(slug: str) -> Policy:
    policy = Policy.objects.filter(slug=slug).first()
    if policy is None:
        raise Http404("No such policy")
    return policy


def _simulation(form: SimulateForm, yaml_text: str) -> dict[str, Any]:
    """Run the draft against the sample ticket; field errors go onto the form."""
    if not form.is_valid():
        return {}
    try:
        ticket = json.loads(form.cleaned_data["ticket"])
    except ValueError as exc:
        form.add_error("ticket", f"Not valid JSON: {exc}.")
        return {}
    now = form.cleaned_data["now"] or clock.now()
    try:
        result = simulate_run(
            ticket=ticket, now=now, policy_yaml=yaml_text, trigger=form.cleaned_data["event"]
        )
    except DomainError as exc:
        form_errors_from(form, exc)
        return {}
    return {"result": result, "result_json": json.dumps(result, indent=2, default=str)}


@agent_required
def policy_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Read, try and change one policy. Buttons: simulate (writes nothing) or save."""
    _can(request, "rules.view_policy")
    user = _user(request)
    policy = _policy(slug) if slug else None
    text = writers.policy_yaml(policy) if policy else NEW_POLICY
    form = PolicyForm(request.POST or None, initial={"yaml": text})
    sim = SimulateForm(request.POST or None)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "simulate":
            _can(request, "rules.simulate_policy")
            if form.is_valid():
                extra = _simulation(sim, form.cleaned_data["yaml"])
            status = 200 if extra else 422
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
