"""Training screens: my training, the lead's team view, and the editors of skills (with their
gating and question banks) and curricula."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.training import selectors, services
from caredesk.training.forms import (
    CurriculumForm,
    EnrolForm,
    GrantForm,
    ModuleForm,
    QuestionForm,
    ReturnForm,
    ShadowForm,
    SkillForm,
)
from caredesk.training.models import (
    Curriculum,
    ExamAttempt,
    HeldReply,
    Module,
    Question,
    ShadowLog,
    Skill,
)

OWN, MANAGE = "training.view_skill", services.MANAGE


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


_page = agent_page


def _mine_context(user: User, **extra: Any) -> dict[str, Any]:
    skills = [s for s in Skill.objects.all() if s.questions_per_exam]
    counts = selectors.shadow_counts(user)
    refusals = services.exam_refusals(user, skills)
    exams = [(s, counts.get(s.pk, 0), refusals[s.pk]) for s in skills]
    return {
        "tab": "mine",
        "progress": selectors.progress_of(user),
        "logs": list(selectors.shadow_logs_of(user)[:100]),
        "exams": exams,
        "required": settings.CAREDESK_TRAINING_SHADOWING_REQUIRED,
        "certifications": list(selectors.certifications_of(user)),
        "sign_offs": selectors.sign_offs_to_do(user),
        "held": selectors.held_to_approve(user),
        "shadow_form": ShadowForm(),
        **extra,
    }


@staff_with(OWN)
def mine(request: HttpRequest) -> HttpResponse:
    return _page(request, "training/mine.html", _mine_context(_user(request)))


@require_POST
@staff_with(OWN)
def module_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    module = get_object_or_404(Module, pk=pk, curriculum__enrolments__agent=user)
    services.module_complete(module=module, agent=user, actor=user)
    flash.success(request, f"“{module.title}” is done.")
    return redirect("training:mine")


@require_POST
@staff_with(OWN)
def shadow_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ShadowForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.shadow_log_add(
                agent=user,
                skill=d["skill"],
                ticket_ref=d["ticket_ref"],
                occurred_on=d["occurred_on"],
                shadowed=d["shadowed"],
                notes=d["notes"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "The interaction is recorded; it counts once signed off.")
            return redirect("training:mine")
    context = _mine_context(user, shadow_form=form)
    return _page(request, "training/mine.html", context, status=422)


@require_POST
@staff_with(OWN)
def shadow_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_object_or_404(ShadowLog, pk=pk)
    try:
        services.shadow_sign_off(log=log, actor=_user(request))
        flash.success(request, f"Signed off {log.agent.name}'s interaction {log.ticket_ref}.")
    except DomainError as exc:
        flash.error(request, exc.detail)
    return redirect(request.POST.get("next") == "team" and "training:team" or "training:mine")


@require_POST
@staff_with(OWN)
def exam_start(request: HttpRequest, skill: int) -> HttpResponse:
    found = get_object_or_404(Skill, pk=skill)
    try:
        attempt = services.exam_start(agent=_user(request), skill=found)
    except DomainError as exc:
        flash.error(request, exc.detail)
        return redirect("training:mine")
    return redirect("training:attempt", pk=attempt.pk)


def _questions(attempt: ExamAttempt) -> list[Question]:
    found = Question.objects.in_bulk(attempt.question_ids)
    return [found[q] for q in attempt.question_ids if q in found]


@staff_with(OWN)
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(ExamAttempt.objects.select_related("skill"), pk=pk, agent=user)
    status = 200
    if request.method == "POST":
        answers = {
            str(q): request.POST.getlist(f"q{q}")
            for q in found.question_ids
            if request.POST.getlist(f"q{q}")
        }
        try:
            found = services.exam_submit(attempt=found, answers=answers, actor=user)
        except DomainError as exc:
            flash.error(request, exc.detail)
            status = 422
        else:
            return redirect("training:attempt", pk=found.pk)
    context = {"tab": "mine", "attempt": found, "questions": _questions(found)}
    return _page(request, "training/attempt.html", context, status=status)


def _held(pk: int) -> HeldReply:
    return get_object_or_404(HeldReply.objects.select_related("ticket"), pk=pk)


@require_POST
@staff_with(OWN)
def held_send(request: HttpRequest, pk: int) -> HttpResponse:
    held = _held(pk)
    try:
        services.held_reply_send(held=held, actor=_user(request))
        flash.success(request, f"The reply on {held.ticket.ref} is sent.")
    except DomainError as exc:
        flash.error(request, exc.detail)
    return redirect("desk:ticket", pk=held.ticket_id)


@require_POST
@staff_with(OWN)
def held_return(request: HttpRequest, pk: int) -> HttpResponse:
    held = _held(pk)
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.held_reply_return(held=held, actor=_user(request), note=note)
        flash.success(request, f"The reply on {held.ticket.ref} went back to its author.")
    except DomainError as exc:
        flash.error(request, " ".join(exc.errors.get("note", [])) or exc.detail)
    return redirect("desk:ticket", pk=held.ticket_id)


@staff_with(MANAGE)
def team(
    request: HttpRequest, grant_form: GrantForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {
        "tab": "team",
        "matrix": selectors.team_matrix(),
        "sign_offs": selectors.sign_offs_to_do(user),
        "held": selectors.held_to_approve(user),
        "grant_form": grant_form or GrantForm(),
    }
    return _page(request, "training/team.html", context, status=status)


@require_POST
@staff_with(MANAGE)
def grant(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.certification_grant(
                agent=d["agent"], skill=d["skill"], reason=d["reason"], actor=_user(request)
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"{d['agent'].name} is certified for {d['skill'].name}.")
            return redirect("training:team")
    return team(request, grant_form=form, status=422)


@staff_with(MANAGE)
def skills(request: HttpRequest) -> HttpResponse:
    rows = Skill.objects.prefetch_related("categories").order_by("name")
    return _page(request, "training/skills.html", {"tab": "skills", "skills": list(rows)})


@staff_with(MANAGE)
def skill_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk) if pk else Skill()
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        flash.success(request, f"“{saved.name}” is saved.")
        return redirect("training:skills")
    status = 422 if form.is_bound else 200
    context = {"tab": "skills", "form": form, "skill": skill}
    return _page(request, "training/skill_edit.html", context, status=status)


@staff_with(MANAGE)
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.question_add(
            skill=skill, text=d["text"], kind=d["kind"], choices=d["options"], correct=d["correct"]
        )
        flash.success(request, "The question is added to the bank.")
        return redirect("training:questions", pk=skill.pk)
    context = {
        "tab": "skills",
        "skill": skill,
        "form": form,
        "bank": list(Question.objects.filter(skill=skill)),
    }
    return _page(request, "training/questions.html", context, status=422 if form.is_bound else 200)


@staff_with(MANAGE)
def curricula(request: HttpRequest) -> HttpResponse:
    rows = Curriculum.objects.prefetch_related("modules").select_related("skill")
    return _page(request, "training/curricula.html", {"tab": "curricula", "curricula": list(rows)})


@staff_with(MANAGE)
def curriculum_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    curriculum = get_object_or_404(Curriculum, pk=pk) if pk else Curriculum()
    posted = request.POST if request.method == "POST" else None
    what = posted.get("form", "curriculum") if posted is not None else ""
    form = CurriculumForm(posted if what == "curriculum" else None, instance=curriculum)
    module_form = ModuleForm(posted if what == "module" else None)
    enrol_form = EnrolForm(posted if what == "enrol" else None)
    if request.method == "POST":
        done = _curriculum_post(
            request,
            curriculum=curriculum,
            what=what,
            form=form,
            module_form=module_form,
            enrol_form=enrol_form,
        )
        if done is not None:
            return done
    context = {
        "tab": "curricula",
        "curriculum": curriculum,
        "form": form,
        "module_form": module_form,
        "enrol_form": enrol_form,
        "modules": list(curriculum.modules.all()) if curriculum.pk else [],
        "enrolled": list(curriculum.enrolments.select_related("agent")) if curriculum.pk else [],
    }
    status = 422 if request.method == "POST" else 200
    return _page(request, "training/curriculum_edit.html", context, status=status)


def _curriculum_post(
    request: HttpRequest,
    *,
    curriculum: Curriculum,
    what: str,
    form: CurriculumForm,
    module_form: ModuleForm,
    enrol_form: EnrolForm,
) -> HttpResponse | None:
    if what == "curriculum" and form.is_valid():
        saved = form.save()
        flash.success(request, f"“{saved.name}” is saved.")
        return redirect("training:curriculum", pk=saved.pk)
    if curriculum.pk and what == "module" and module_form.is_valid():
        d = module_form.cleaned_data
        services.module_add(curriculum=curriculum, data=d)
        flash.success(request, f"“{d['title']}” is added.")
        return redirect("training:curriculum", pk=curriculum.pk)
    if curriculum.pk and what == "enrol" and enrol_form.is_valid():
        agent = enrol_form.cleaned_data["agent"]
        services.enrolment_add(curriculum=curriculum, agent=agent, actor=_user(request))
        flash.success(request, f"{agent.name} follows “{curriculum.name}”.")
        return redirect("training:curriculum", pk=curriculum.pk)
    return None
