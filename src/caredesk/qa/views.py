"""Quality screens: the review queue and form, my reviews and disputes, disputes to resolve,
calibration sessions, the rubric editor and the reports. Each view authorises, calls one
service or selector and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.compliance.access import ticket_viewed
from caredesk.core import clock
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError
from caredesk.qa import pure, selectors, services
from caredesk.qa.forms import (
    CalibrationForm,
    CriterionForm,
    DisputeForm,
    ResolveForm,
    ScoreForm,
    WeightsForm,
)
from caredesk.qa.models import (
    CalibrationSession,
    CalibrationStatus,
    Criterion,
    Dispute,
    Review,
    Rubric,
    RubricStatus,
    SampleItem,
)
from caredesk.tickets.models import Ticket

REVIEW, LEAD, RECEIVE = "qa.review_quality", "qa.lead_quality", "qa.receive_review"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest, template: str, tab: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    ctx = {**sidebar(_user(request)), "tab": tab, **context}
    return render(request, f"qa/{template}", ctx, status=status)


# -- review queue and form ----------------------------------------------------------------------


@staff_with(REVIEW)
def queue(request: HttpRequest) -> HttpResponse:
    items = list(selectors.queue_for(_user(request)))
    return _page(request, "queue.html", "queue", {"items": items})


def _review_page(
    request: HttpRequest, item: SampleItem, form: ScoreForm, status: int = 200
) -> HttpResponse:
    ticket_viewed(request=request, ticket=item.ticket)
    ctx = {
        "item": item,
        "form": form,
        "rubric": services.rubric_current(),
        "conversation": list(selectors.conversation(item.ticket)),
    }
    return _page(request, "review.html", "queue", ctx, status)


@staff_with(REVIEW)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(SampleItem.objects.select_related("ticket", "agent"), pk=pk)
    user = _user(request)
    if not services.may_review(item, user):
        raise Http404
    if item.reviewed:
        return redirect("qa:review-detail", item.review.pk)
    rubric = services.rubric_current()
    sections = selectors.sections_of(rubric) if rubric else []
    if request.method != "POST":
        return _review_page(request, item, ScoreForm(sections=sections))
    form = ScoreForm(request.POST, sections=sections)
    if form.is_valid():
        try:
            done = services.review_submit(
                item=item, reviewer=user, marks=form.marks(), comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"Review saved: {done.score} %.")
            return redirect("qa:queue")
    return _review_page(request, item, form, 422)


# -- reviews of my work, and disputes -----------------------------------------------------------


@staff_with(RECEIVE)
def mine(request: HttpRequest) -> HttpResponse:
    reviews = list(selectors.reviews_of(_user(request)))
    return _page(request, "mine.html", "mine", {"reviews": reviews})


def _visible_review(request: HttpRequest, pk: int) -> Review:
    user = _user(request)
    review = get_object_or_404(
        Review.objects.select_related("ticket", "rubric", "agent", "reviewer"), pk=pk
    )
    if review.agent_id == user.pk or user.has_perm(LEAD) or review.reviewer_id == user.pk:
        return review
    raise Http404


def _detail(
    request: HttpRequest, review: Review, form: DisputeForm | None = None, status: int = 200
) -> HttpResponse:
    dispute = Dispute.objects.filter(review=review).first()
    ctx = {
        "review": review,
        "sections": selectors.sections_of(review.rubric),
        "marks": selectors.marks_of(review),
        "dispute": dispute,
        "form": form or DisputeForm(),
        "may_dispute": review.agent_id == _user(request).pk
        and dispute is None
        and review.session_id is None,
    }
    return _page(request, "detail.html", "mine", ctx, status)


@staff_with(RECEIVE)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_review(request, pk))


@require_POST
@staff_with(RECEIVE)
def dispute_open(request: HttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.dispute_open(
                review=review, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "Dispute sent to the quality leads.")
            return redirect("qa:review-detail", review.pk)
    return _detail(request, review, form, 422)


@staff_with(LEAD)
def disputes(request: HttpRequest) -> HttpResponse:
    ctx = {
        "open": list(selectors.disputes_open()),
        "resolved": list(selectors.disputes_resolved()),
    }
    return _page(request, "disputes.html", "disputes", ctx)


def _resolve_page(
    request: HttpRequest, dispute: Dispute, form: ResolveForm, score: ScoreForm, status: int = 200
) -> HttpResponse:
    ctx = {"dispute": dispute, "review": dispute.review, "form": form, "score_form": score}
    return _page(request, "resolve.html", "disputes", ctx, status)


@staff_with(LEAD)
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Dispute.objects.select_related("review__rubric", "review__ticket", "review__agent"), pk=pk
    )
    sections = selectors.sections_of(item.review.rubric)
    prior = {f"c{k}": v for k, v in selectors.marks_of(item.review).items()}
    if request.method != "POST":
        return _resolve_page(
            request, item, ResolveForm(), ScoreForm(initial=prior, sections=sections)
        )
    form = ResolveForm(request.POST)
    score = ScoreForm(request.POST, sections=sections)
    if form.is_valid():
        upheld = form.cleaned_data["outcome"] == "upheld"
        marks = score.marks() if upheld and score.is_valid() else None
        try:
            services.dispute_resolve(
                dispute=item,
                actor=_user(request),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                marks=marks,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            if upheld:
                form_errors_from(score, exc)
        else:
            flash.success(request, "Dispute resolved.")
            return redirect("qa:disputes")
    return _resolve_page(request, item, form, score, 422)


# -- calibration --------------------------------------------------------------------------------


def _people() -> Any:
    return User.objects.filter(pk__in=services.reviewers()).order_by("name", "pk")


def _calibrations(request: HttpRequest, form: CalibrationForm, status: int = 200) -> HttpResponse:
    user = _user(request)
    sessions = list(selectors.calibrations())
    ctx = {"sessions": sessions, "form": form, "me": user.pk}
    return _page(request, "calibrations.html", "calibration", ctx, status)


@staff_with(REVIEW)
def calibrations(request: HttpRequest) -> HttpResponse:
    return _calibrations(request, CalibrationForm(people=_people()))


@require_POST
@staff_with(LEAD)
def calibration_new(request: HttpRequest) -> HttpResponse:
    form = CalibrationForm(request.POST, people=_people())
    if form.is_valid():
        ticket = Ticket.objects.filter(pk=form.cleaned_data["ticket"]).first()
        if ticket is None:
            form.add_error("ticket", "No ticket has this number.")
        else:
            try:
                session = services.calibration_open(
                    ticket_id=ticket.pk,
                    agent=ticket.assignee,
                    reviewers_=list(form.cleaned_data["reviewers"]),
                    lead=_user(request),
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("qa:calibration", session.pk)
    return _calibrations(request, form, 422)


def _session_page(
    request: HttpRequest, session: CalibrationSession, form: ScoreForm | None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    seated = session.reviewers.filter(pk=user.pk).exists()
    scored = Review.objects.filter(session=session, reviewer=user).exists()
    closed = session.status == CalibrationStatus.CLOSED
    ctx: dict[str, Any] = {
        "session": session,
        "form": form if seated and not scored and not closed else None,
        "scored": scored,
        "closed": closed,
        "view": selectors.calibration_view(session) if closed else None,
        "conversation": list(selectors.conversation(session.ticket)) if seated else [],
        "may_close": user.has_perm(LEAD) and not closed,
    }
    if seated:
        ticket_viewed(request=request, ticket=session.ticket)
    return _page(request, "calibration.html", "calibration", ctx, status)


@staff_with(REVIEW)
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CalibrationSession.objects.select_related("ticket", "rubric", "agent"), pk=pk
    )
    sections = selectors.sections_of(session.rubric)
    if request.method != "POST":
        return _session_page(request, session, ScoreForm(sections=sections))
    form = ScoreForm(request.POST, sections=sections)
    if form.is_valid():
        try:
            services.calibration_score(
                session=session,
                reviewer=_user(request),
                marks=form.marks(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "Your score is in; the spread shows when everyone has scored.")
            return redirect("qa:calibration", session.pk)
    return _session_page(request, session, form, 422)


@require_POST
@staff_with(LEAD)
def calibration_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CalibrationSession, pk=pk)
    try:
        services.calibration_close(session=session, actor=_user(request))
    except DomainError as exc:
        flash.error(request, exc.detail)
    return redirect("qa:calibration", session.pk)


# -- rubric editor ------------------------------------------------------------------------------


def _criteria_of(rubric: Rubric) -> list[Criterion]:
    return list(
        Criterion.objects.filter(section__rubric=rubric)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "id")
    )


def _rubric_page(
    request: HttpRequest,
    add: CriterionForm | None = None,
    weights: WeightsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = Rubric.objects.filter(status=RubricStatus.DRAFT).first()
    current = services.rubric_current()
    shown = draft or current
    criteria = _criteria_of(draft) if draft else []
    ctx = {
        "draft": draft,
        "current": current,
        "sections": selectors.sections_of(shown) if shown else [],
        "add": add or CriterionForm(),
        "weights": weights or WeightsForm(criteria=criteria),
        "versions": list(Rubric.objects.order_by("-version")[:20]),
    }
    return _page(request, "rubric.html", "rubric", ctx, status)


@staff_with("qa.view_rubric")
def rubric(request: HttpRequest) -> HttpResponse:
    return _rubric_page(request)


def _draft_or_404() -> Rubric:
    draft = Rubric.objects.filter(status=RubricStatus.DRAFT).first()
    if draft is None:
        raise Http404
    return draft


@require_POST
@staff_with("qa.change_rubric")
def rubric_draft(request: HttpRequest) -> HttpResponse:
    services.rubric_draft(actor=_user(request))
    return redirect("qa:rubric")


@require_POST
@staff_with("qa.change_rubric")
def criterion_add(request: HttpRequest) -> HttpResponse:
    draft = _draft_or_404()
    form = CriterionForm(request.POST)
    if form.is_valid():
        services.criterion_add(
            rubric=draft, data=services.CriterionIn(**form.cleaned_data), actor=_user(request)
        )
        flash.success(request, "Criterion added to the draft.")
        return redirect("qa:rubric")
    return _rubric_page(request, add=form, status=422)


@require_POST
@staff_with("qa.change_rubric")
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft_or_404()
    criterion = get_object_or_404(Criterion, pk=pk, section__rubric=draft)
    services.criterion_remove(criterion=criterion, actor=_user(request))
    return redirect("qa:rubric")


@require_POST
@staff_with("qa.change_rubric")
def rubric_save(request: HttpRequest) -> HttpResponse:
    """Save the draft's weights and flags; "publish" also publishes it."""
    draft = _draft_or_404()
    form = WeightsForm(request.POST, criteria=_criteria_of(draft))
    if form.is_valid():
        services.weights_set(
            rubric=draft,
            weights={c.pk: form.cleaned_data[w] for c, w, _a, _s in form.rows},
            flags={c.pk: (form.cleaned_data[a], form.cleaned_data[s]) for c, _w, a, s in form.rows},
            actor=_user(request),
        )
        if "publish" not in request.POST:
            flash.success(request, "Draft saved.")
            return redirect("qa:rubric")
        try:
            services.rubric_publish(rubric=draft, actor=_user(request))
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"Version {draft.version} published.")
            return redirect("qa:rubric")
    return _rubric_page(request, weights=form, status=422)


# -- reports ------------------------------------------------------------------------------------

WEEKS_SHOWN = 8


@staff_with("qa.view_qa_report")
def reports(request: HttpRequest) -> HttpResponse:
    last = request.GET.get("week", "") or pure.week_of(clock.now())
    try:
        weeks = selectors.weeks_back(last, WEEKS_SHOWN)
    except ValueError as exc:
        flash.error(request, str(exc))
        weeks = selectors.weeks_back(pure.week_of(clock.now()), WEEKS_SHOWN)
        status = 400
    else:
        status = 200
    agents, teams = selectors.report(weeks)
    ctx = {"weeks": weeks, "agents": agents, "teams": teams, "last": weeks[-1]}
    return _page(request, "reports.html", "reports", ctx, status)
