"""Screens of the root-cause reviews: the list (due, overdue, completed on time or late), the
review with its template's parts and action items, the report, and the stakeholders' answer
page behind the mailed links (no sign-in; a GET never records)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.incidents import review_report, reviews, stakeholders
from caredesk.incidents.models import ActionItem, Review, StakeholderRating
from caredesk.incidents.review_forms import ActionForm, PeriodForm, RateForm, ReviewForm

VIEW = reviews.VIEW
SHOWS = {
    "open": "Open",
    "overdue": "Overdue",
    "completed": "Completed",
    "all": "All",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _listed(show: str) -> QuerySet[Review]:
    now = clock.now()
    qs = Review.objects.select_related("incident", "owner")
    if show == "open":
        qs = qs.filter(completed_at__isnull=True)
    elif show == "overdue":
        qs = qs.filter(completed_at__isnull=True, due_at__lt=now)
    elif show == "completed":
        qs = qs.filter(completed_at__isnull=False).order_by("-completed_at")
    return qs.annotate(
        actions_total=Count("actions"), actions_open=Count("actions", filter=Q(actions__done=False))
    )


@staff_with(VIEW)
def review_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in SHOWS:
        show = "open"
    rows = list(_listed(show)[:200])
    return agent_page(
        request,
        "incidents/review_list.html",
        {"rows": rows, "show": show, "shows": SHOWS, "now": clock.now(), "tab": "list"},
    )


def _review(pk: int) -> Review:
    return get_object_or_404(Review.objects.select_related("incident", "owner"), pk=pk)


def _detail(
    request: HttpRequest,
    review: Review,
    form: ReviewForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    initial = {name: getattr(review, name) for name in reviews.PARTS}
    actions = list(review.actions.select_related("ticket", "owner"))
    ratings = list(StakeholderRating.objects.filter(incident=review.incident_id).order_by("pk"))
    for r in ratings:
        r.label = stakeholders.LABELS.get(r.score or 0, "")  # type: ignore[attr-defined]
    answered = [r.score for r in ratings if r.score is not None]
    return agent_page(
        request,
        "incidents/review_detail.html",
        {
            "review": review,
            "incident": review.incident,
            "form": form or ReviewForm(initial=initial),
            "action_form": action_form or ActionForm(),
            "actions": actions,
            "editable": reviews.may_edit(review, user) and review.completed_at is None,
            "may_tick": reviews.may_edit(review, user),
            "now": clock.now(),
            "ratings": ratings,
            "rating_average": sum(answered) / len(answered) if answered else None,
            "rating_answered": len(answered),
            "tab": "list",
        },
        status=status,
    )


@staff_with(VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(pk)
    if request.method != "POST":
        return _detail(request, review)
    user = _user(request)
    if not reviews.may_edit(review, user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    complete = "complete" in request.POST
    if form.is_valid():
        try:
            reviews.review_save(
                review=review, actor=user, parts=form.cleaned_data, complete=complete
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            form_errors_from(form, exc)
        else:
            flash.success(request, "Review completed." if complete else "Review saved.")
            return redirect("incidents:review", pk=review.pk)
    return _detail(request, review, form=form, status=422)


@staff_with(VIEW)
@require_POST
def review_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(pk)
    user = _user(request)
    if not reviews.may_edit(review, user):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        new = reviews.NewAction(
            title=form.cleaned_data["title"],
            tracker_url=form.cleaned_data["tracker_url"],
            ticket_ref=form.cleaned_data["ticket_ref"],
        )
        try:
            reviews.action_add(review=review, actor=user, new=new)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            form_errors_from(form, exc)
        else:
            flash.success(request, "Action item added.")
            return redirect("incidents:review", pk=review.pk)
    return _detail(request, review, action_form=form, status=422)


@staff_with(VIEW)
@require_POST
def review_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("review"), pk=pk)
    try:
        reviews.action_mark(item=item, actor=_user(request), done=request.POST.get("done") == "1")
    except DomainError:
        raise PermissionDenied from None
    return redirect("incidents:review", pk=item.review_id)


def _instant(day: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


@staff_with(VIEW)
def review_report_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or PeriodForm.defaults())
    status, result = 200, None
    if form.is_valid():
        start = _instant(form.cleaned_data["start"])
        end = _instant(form.cleaned_data["end"]) + timedelta(days=1)
        result = review_report.report(start=start, end=end, now=clock.now())
    else:
        status = 422
    return agent_page(
        request,
        "incidents/review_report.html",
        {"form": form, "report": result, "tab": "report"},
        status=status,
    )


# --- the stakeholders' answer page --------------------------------------------------------------


def _unlogged(response: HttpResponse) -> HttpResponse:
    """The path is the signed link: it stays out of the request log of 4xx answers."""
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def stakeholder_rate(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        link = stakeholders.rate_read(signed)
        rating = stakeholders.rating_for_token(link.token)
    except DomainError as exc:
        refused = {"title": exc.title, "detail": exc.detail}
        return _unlogged(
            render(request, "incidents/review_rate_refused.html", refused, status=exc.status)
        )
    status = 200
    if request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            stakeholders.rating_record(token=rating.token, score=form.cleaned_data["score"])
            return redirect(f"{request.path}?thanks=1")
        status = 422
    else:
        chosen = rating.score if rating.score is not None else link.score
        form = RateForm(initial={"score": chosen})
    context: dict[str, Any] = {
        "form": form,
        "rating": rating,
        "number": rating.incident.number,
        "thanks": request.GET.get("thanks") == "1" and rating.score is not None,
        "label": stakeholders.LABELS.get(rating.score or 0, ""),
    }
    return _unlogged(render(request, "incidents/review_rate.html", context, status=status))
