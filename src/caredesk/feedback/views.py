"""Screens: the answer pages behind the survey links (no sign-in; a GET never records, so a
mail scanner fetching a link answers nothing) and the desk's Feedback screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.access import staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError
from caredesk.feedback import links, pure, selectors, services
from caredesk.feedback.forms import AnswerForm, ResultsFilter
from caredesk.feedback.models import Kind

VIEW = "feedback.view_survey"
ALL = "feedback.view_all_feedback"
FOLLOW_UP = "feedback.follow_up_survey"


def _unlogged(response: HttpResponse) -> HttpResponse:
    """Django writes the path of every 4xx answer to its log; here the path is the signed link,
    which answers a survey, so it stays out (the request line, without the path, is written)."""
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    context = {"title": exc.title, "detail": exc.detail}
    return _unlogged(render(request, "feedback/refused.html", context, status=exc.status))


@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest, signed: str) -> HttpResponse:
    """GET shows the score the link chose, ticked, with a comment box and one Send button;
    only the POST records. Afterwards the same links show the answer (and change it while the
    answer can still be changed)."""
    try:
        rating = links.rate_read(signed)
        survey = services.survey_for_token(rating.token)
    except DomainError as exc:
        return _refused(request, exc)
    conf = services.settings_get()
    editable = services.answer_editable(survey, conf)
    status = 200
    if request.method == "POST" and editable:
        form = AnswerForm(request.POST, kind=survey.kind)
        if form.is_valid():
            try:
                services.answer_record(
                    token=survey.token,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                return _refused(request, exc)
            return redirect(f"{request.path}?thanks=1")
        status = 422
    else:
        chosen = survey.score if survey.score is not None else rating.score
        form = AnswerForm(initial={"score": chosen, "comment": survey.comment}, kind=survey.kind)
    context = {
        "form": form,
        "survey": survey,
        "editable": editable,
        "thanks": request.GET.get("thanks") == "1" and survey.score is not None,
        "until": (survey.first_answered_at + timedelta(days=conf.change_days))
        if survey.first_answered_at
        else None,
        "label": pure.CSAT_LABELS.get(survey.score or 0, str(survey.score)),
    }
    return _unlogged(render(request, "feedback/rate.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def stop(request: HttpRequest, signed: str) -> HttpResponse:
    """No more surveys: confirmed with a POST (a GET only asks)."""
    try:
        token = links.stop_read(signed)
        if request.method == "POST":
            services.opt_out(token=token)
            return render(request, "feedback/stop.html", {"done": True})
    except DomainError as exc:
        return _refused(request, exc)
    return render(request, "feedback/stop.html", {"done": False})


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@staff_with(VIEW)
def results(request: HttpRequest) -> HttpResponse:
    """CSAT and response rate by agent, team, category, channel, mailbox or organization over a
    period, the comments, and NPS by organization and quarter. Agents see their own."""
    user = _user(request)
    sees_all = user.has_perm(ALL)
    form = ResultsFilter(request.GET)
    valid = form.is_valid()
    if not valid:  # the errors show on the form; the figures are the default period's
        fallback = ResultsFilter({})
        fallback.is_valid()
    data = form.cleaned_data if valid else fallback.cleaned_data
    start, end = selectors.period(data["start"], data["end"])
    agent = None if sees_all else user
    by = data["by"] if sees_all else "agent"
    rows, total = selectors.csat_results(dimension=by, start=start, end=end, agent=agent)
    quarter = pure.quarter_of(clock.now())
    context: dict[str, Any] = {
        **sidebar(user),
        "form": form,
        "rows": rows,
        "total": total,
        "by": by,
        "by_label": selectors.DIMENSION_LABELS[by],
        "sees_all": sees_all,
        "comments": selectors.comments(
            start=start, end=end, agent=agent, poor_only=bool(data.get("poor"))
        ),
        "can_follow_up": user.has_perm(FOLLOW_UP),
        "period": (data["start"], data["end"]),
        "quarter": quarter,
    }
    if sees_all:
        context["nps_rows"], context["nps_total"] = selectors.nps_by_organization(quarter=quarter)
        context["nps_trend"] = selectors.nps_trend()
    return render(request, "feedback/results.html", context, status=200 if valid else 422)


@require_POST
@staff_with(FOLLOW_UP)
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    survey = selectors.survey_get(pk)
    if survey is None or survey.kind != Kind.CSAT:
        raise Http404("No such answer.")
    if not user.has_perm(ALL) and survey.agent_id != user.pk:
        raise PermissionDenied
    try:
        ticket = services.follow_up_open(survey=survey, actor=user)
    except DomainError as exc:
        flash.error(request, exc.detail)
        return redirect("feedback:results")
    flash.success(request, f"Follow-up {ticket.ref} opened.")
    return redirect("desk:ticket", ticket.pk)
