"""On-call screens: who is on call (now, next, the week), overrides, pages and their
acknowledgement from the desk, from the page's link, and by SMS reply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.access import agent_required, form_errors_from, staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError, NotFound
from caredesk.core.twilio_hooks import door, refuse, signed_params
from caredesk.oncall import selectors, services
from caredesk.oncall.forms import OverrideForm
from caredesk.oncall.models import Override, Page, PageState, Schedule


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


needs = staff_with  # staff with this permission only (others: 403)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    tab = "pages" if "pages" in template else "schedules"
    return render(
        request, template, {**sidebar(_user(request)), "tab": tab, **context}, status=status
    )


def _schedules(request: HttpRequest, forms: dict[int, OverrideForm] | None = None) -> HttpResponse:
    forms = forms or {}
    rows = []
    for schedule in selectors.schedule_list():
        overrides = Override.objects.filter(schedule=schedule, end__gt=clock.now()).select_related(
            "user"
        )
        rows.append(
            {
                "on_call": selectors.on_call(schedule, week=True),
                "overrides": overrides,
                "form": forms.get(schedule.pk) or OverrideForm(prefix=f"s{schedule.pk}"),
            }
        )
    status = 422 if forms else 200
    return _page(request, "oncall/schedules.html", {"rows": rows}, status)


@needs("oncall.view_schedule")
def schedules(request: HttpRequest) -> HttpResponse:
    return _schedules(request)


@require_POST
@needs("oncall.add_override")
def override_add(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule, pk=pk)
    form = OverrideForm(request.POST, prefix=f"s{schedule.pk}")
    if form.is_valid():
        try:
            services.override_add(schedule=schedule, actor=_user(request), **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"Override added to {schedule.name}.")
            return redirect("oncall:schedules")
    return _schedules(request, {schedule.pk: form})


@require_POST
@needs("oncall.delete_override")
def override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(Override, pk=pk)
    services.override_delete(override=override, actor=_user(request))
    flash.success(request, "Override removed.")
    return redirect("oncall:schedules")


@needs("oncall.view_page")
def pages(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in PageState.values:
        state = ""
    listed = list(selectors.page_list(state=state))
    context = {"pages": listed, "state": state, "states": PageState.choices}
    return _page(request, "oncall/pages.html", {**context, **selectors.page_mtta(listed)})


@require_POST
@agent_required
def page_ack(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=pk)
    user = _user(request)
    if not services.may_acknowledge(page, user):
        raise PermissionDenied
    page = services.page_acknowledge(page=page, user=user, via="desk")
    if page.acknowledged_by_id == user.pk:
        flash.success(request, f"Page {page.code} acknowledged.")
    else:
        flash.info(request, f"Page {page.code} was already {page.get_state_display().lower()}.")
    back = request.POST.get("next", "")
    if back.startswith("/agent/") and "//" not in back:
        return redirect(back)
    return redirect("oncall:pages")


def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page's link, from a phone without a desk session: shows the page's code and team
    (never the subject), and acknowledges with a POST."""
    if request.method not in ("GET", "POST"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, POST"
        return response
    try:
        page, user = services.ack_token_read(token)
    except NotFound as exc:
        raise Http404(exc.detail) from None
    done = False
    if request.method == "POST":
        page = services.page_acknowledge(page=page, user=user, via="link")
        done = True
    context = {"page": page, "person": user, "done": done}
    return render(request, "oncall/ack.html", context)


WHAT = "SMS replies"


def _twiml(text: str) -> HttpResponse:
    from xml.sax.saxutils import escape

    head = '<?xml version="1.0" encoding="UTF-8"?>'
    body = f"{head}<Response><Message>{escape(text)}</Message></Response>"
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@csrf_exempt
def sms_webhook(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound SMS: a reply to a page acknowledges it."""
    refusal = door(request, scope="oncall-sms", what=WHAT)
    if refusal is not None:
        return refusal
    params = signed_params(request, what="an SMS reply")
    if isinstance(params, HttpResponse):
        return params
    fields = dict(params)
    number, body = fields.get("From", ""), fields.get("Body", "")
    if not number:
        return refuse(422, "An SMS reply needs From.")
    return _twiml(services.sms_reply(number=number, body=body[:160]))
