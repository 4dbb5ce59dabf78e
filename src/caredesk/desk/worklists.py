"""Work on a ticket beyond the conversation: its tasks for other teams, and its checklist
(ticked with a button that is a checkbox to assistive technology, so space submits it with or
without JavaScript; htmx swaps only the panel), and the checklist templates supervisors keep."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.core.access import agent_required, form_errors_from, staff_with
from caredesk.core.errors import DomainError, NotFound
from caredesk.desk.forms import ChecklistStepForm, ChecklistTemplateForm, TaskForm
from caredesk.desk.panels import checklist_context
from caredesk.desk.views import (
    HtmxHttpRequest,
    _sidebar,
    _ticket_context,
    _ticket_or_404,
    _user,
    recount,
)
from caredesk.tickets.models import ChecklistTemplate, RequestType, Ticket
from caredesk.tickets.services.checklists import (
    checklist_apply,
    checklist_item_add,
    checklist_item_tick,
    checklist_template_save,
)
from caredesk.tickets.services.tasks import task_open

EDIT_TEMPLATES = "tickets.change_checklisttemplate"
BLANK_STEPS = 3


@require_POST
@recount
@agent_required
def ticket_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a task of this ticket for another team."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            task = task_open(
                parent=ticket,
                subject=d["subject"],
                team=d["team"],
                assignee=d["assignee"],
                instructions=d["instructions"],
                actor=user,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(
                request,
                f"Task {task.ref} opened for {task.team}. {ticket.ref} is on hold until its "
                "tasks are done.",
            )
            return redirect("desk:ticket", pk=ticket.pk)
    ticket = _ticket_or_404(user, pk)
    context = _ticket_context(request, ticket, task_form=form, tasks_open=True)
    return render(request, "desk/ticket.html", context, status=422)


@require_POST
@recount
@agent_required
def ticket_checklist(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Tick or untick a step, add a step, or apply a template (`action`)."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    action = request.POST.get("action", "")
    form = ChecklistStepForm(request.POST if action == "add" else None)
    problems: list[str] = []
    notice, status = "", 200
    try:
        notice = _checklist_do(request, ticket, action, form, problems)
    except NotFound:
        raise Http404("No such step") from None
    except DomainError as exc:
        problems += [exc.detail, *[m for msgs in exc.errors.values() for m in msgs]]
        status = exc.status
    if (problems or form.errors) and status == 200:
        status = 422
    if request.htmx:  # only the panel; htmx swaps successful answers, so errors come as 200
        context = checklist_context(
            ticket, checklist_form=form, checklist_notice=notice, checklist_problems=problems
        )
        return render(request, "desk/_checklist.html", {"ticket": ticket, **context})
    if status == 200:
        flash.success(request, notice)
        return redirect(f"/agent/tickets/{ticket.pk}/#checklist")
    ticket = _ticket_or_404(user, pk)
    context = _ticket_context(request, ticket, checklist_form=form, checklist_problems=problems)
    return render(request, "desk/ticket.html", context, status=status)


def _checklist_do(
    request: HttpRequest, ticket: Ticket, action: str, form: ChecklistStepForm, problems: list[str]
) -> str:
    """Carry out one checklist action; what to announce (problems are appended)."""
    user = _user(request)
    if action == "tick":
        item = checklist_item_tick(
            ticket=ticket,
            item_id=_int(request.POST.get("item")),
            done=request.POST.get("done") == "1",
            actor=user,
        )
        return f"“{item.text}” {'done' if item.done else 'not done'}."
    if action == "add":
        if not form.is_valid():
            return ""
        item = checklist_item_add(
            ticket=ticket,
            text=form.cleaned_data["text"],
            required=form.cleaned_data["required"],
            actor=user,
        )
        return f"Step “{item.text}” added."
    if action == "apply":
        template = ChecklistTemplate.objects.filter(
            pk=_int(request.POST.get("template")), active=True
        ).first()
        if template is None:
            problems.append("Choose a checklist to apply.")
            return ""
        count = checklist_apply(ticket=ticket, template=template, actor=user)
        return f"Checklist “{template.name}” applied: {count} steps added."
    problems.append("Choose what to do with the checklist.")
    return ""


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@staff_with("tickets.view_checklisttemplate")
def checklist_templates(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    templates = ChecklistTemplate.objects.prefetch_related("items", "request_types")
    return render(
        request,
        "desk/checklists.html",
        {"templates": templates, "can_edit": user.has_perm(EDIT_TEMPLATES), **_sidebar(user)},
    )


@staff_with(EDIT_TEMPLATES)
def checklist_template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    """Create or change a template: name, steps in order (text, required), request types."""
    user = _user(request)
    template = None
    if template_id is not None:
        template = ChecklistTemplate.objects.filter(pk=template_id).first()
        if template is None:
            raise Http404("No such checklist")
    initial = {"name": "", "active": True, "request_types": []}
    steps: list[tuple[str, bool]] = []
    if template is not None:
        initial = {
            "name": template.name,
            "active": template.active,
            "request_types": list(template.request_types.all()),
        }
        steps = [(s.text, s.required) for s in template.items.all()]
    form = ChecklistTemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        steps = _posted_steps(request)
        status = 422
        valid = form.is_valid()
        if not any(text.strip() for text, _required in steps):
            form.add_error(None, "Give the checklist at least one step.")
        elif valid:
            try:
                template = checklist_template_save(
                    name=form.cleaned_data["name"],
                    steps=steps,
                    active=form.cleaned_data["active"],
                    template=template,
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                _carry(template, form.cleaned_data["request_types"])
                flash.success(request, f"Checklist “{template.name}” saved.")
                return redirect("desk:checklists")
    rows = [*steps, *[("", True)] * BLANK_STEPS]
    return render(
        request,
        "desk/checklist_edit.html",
        {"form": form, "template": template, "steps": rows, **_sidebar(user)},
        status=status,
    )


def _posted_steps(request: HttpRequest) -> list[tuple[str, bool]]:
    texts = request.POST.getlist("step")[:200]
    required = set(request.POST.getlist("required"))
    return [(text, str(i) in required) for i, text in enumerate(texts)]


def _carry(template: ChecklistTemplate, request_types: Any) -> None:
    """The request types whose new tickets get this checklist (and only those)."""
    chosen = [rt.pk for rt in request_types]
    RequestType.objects.filter(checklist=template).exclude(pk__in=chosen).update(checklist=None)
    RequestType.objects.filter(pk__in=chosen).update(checklist=template)
