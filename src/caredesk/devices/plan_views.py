"""Service plan and contract screens: the plans (configuration), contracts with their units,
history, cancellation and refund, the client's answer about renewal, and renewals due."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.devices import plan_selectors as reads
from caredesk.devices.models import Contract, ContractStatus, ServicePlan
from caredesk.devices.plan_forms import ContractFilterForm, ContractForm, PlanForm, ReasonForm
from caredesk.devices.plans import (
    NewContract,
    contract_cancel,
    contract_create,
    contract_decline,
    contract_set_auto_renew,
    plan_save,
)
from caredesk.devices.pure import MONEY_BACK_DAYS, money_back_until, refund_due
from caredesk.devices.selectors import today

VIEW_PLANS, ADD_PLAN, CHANGE_PLAN = (
    "devices.view_serviceplan",
    "devices.add_serviceplan",
    "devices.change_serviceplan",
)
VIEW, ADD, CHANGE, CANCEL = (
    "devices.view_contract",
    "devices.add_contract",
    "devices.change_contract",
    "devices.cancel_contract",
)
PAGE = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


_page = agent_page


# -- plans -----------------------------------------------------------------------------------------


@staff_with(VIEW_PLANS)
def plan_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "devices/plans.html", {"plans": list(reads.plans()), "tab": "plans"})


def _plan_form(request: HttpRequest, plan: ServicePlan) -> HttpResponse:
    form = PlanForm(request.POST or None, instance=plan)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                plan_save(plan=form.save(commit=False))
            except DomainError as exc:
                form_errors_from(form, exc)  # type: ignore[arg-type]
            else:
                flash.success(request, f"Plan {plan.name} saved.")
                return redirect("devices:plans")
    context = {"form": form, "plan": plan, "tab": "plans"}
    return _page(request, "devices/plan_form.html", context, status)


@staff_with(ADD_PLAN)
def plan_new(request: HttpRequest) -> HttpResponse:
    return _plan_form(request, ServicePlan())


@staff_with(CHANGE_PLAN)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = ServicePlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404("No such plan")
    return _plan_form(request, plan)


# -- contracts -------------------------------------------------------------------------------------


@staff_with(VIEW)
def contract_list(request: HttpRequest) -> HttpResponse:
    form = ContractFilterForm(request.GET or None)
    filters = reads.ContractFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = reads.ContractFilters(
            organization=d["organization"].pk if d["organization"] else None,
            status=d["status"] or "",
            plan=d["plan"].pk if d["plan"] else None,
        )
    rows = list(reads.contracts(filters)[: PAGE + 1])
    organization = (
        form.cleaned_data.get("organization") if form.is_bound and form.is_valid() else None
    )
    context = {
        "form": form,
        "contracts": rows[:PAGE],
        "more": len(rows) > PAGE,
        "organization": organization,
        "tab": "contracts",
    }
    status = 422 if form.is_bound and not form.is_valid() else 200
    return _page(request, "devices/contracts.html", context, status)


@staff_with(ADD)
def contract_new(request: HttpRequest) -> HttpResponse:
    form = ContractForm(request.POST or None, initial={"starts_on": today(), "months": 12})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            data = NewContract(
                organization=d["organization"],
                plan=d["plan"],
                starts_on=d["starts_on"],
                months=d["months"],
                coverage=d["coverage"],
                assets=d["assets"],
                product_models=list(d["product_models"] or []),
                auto_renew=d["auto_renew"],
                reference=d["reference"] or "",
            )
            try:
                contract = contract_create(data=data, actor=_user(request))
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                flash.success(request, f"Contract {contract.reference} made.")
                return redirect("devices:contract", pk=contract.pk)
    return _page(request, "devices/contract_new.html", {"form": form, "tab": "contracts"}, status)


def _get(pk: int) -> Contract:
    contract = reads.contract_get(pk)
    if contract is None:
        raise Http404("No such contract")
    return contract


@staff_with(VIEW)
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _get(pk)
    on = today()
    context = {
        "contract": contract,
        "units": reads.contract_units(contract),
        "models": list(contract.product_models.all()),
        "events": reads.contract_events(contract),
        "money_back_until": money_back_until(contract.starts_on),
        "in_money_back": on <= money_back_until(contract.starts_on),
        "active": contract.status == ContractStatus.ACTIVE,
        "tab": "contracts",
    }
    return _page(request, "devices/contract.html", context)


def _reason_page(request: HttpRequest, pk: int, *, cancel: bool) -> HttpResponse:
    contract = _get(pk)
    form = ReasonForm(request.POST or None)
    status = 200 if contract.status == ContractStatus.ACTIVE else 409
    if request.method == "POST" and status == 200:
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                if cancel:
                    done = contract_cancel(
                        contract=contract, reason=d["reason"], note=d["note"], actor=_user(request)
                    )
                    flash.success(
                        request,
                        f"Contract {contract.reference} cancelled; refund {done.refund}"
                        + (" (money-back period: in full)." if done.in_money_back else "."),
                    )
                else:
                    contract_decline(
                        contract=contract, reason=d["reason"], note=d["note"], actor=_user(request)
                    )
                    flash.success(request, f"Contract {contract.reference} will not renew.")
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("devices:contract", pk=contract.pk)
    on = today()
    day = max(on, contract.starts_on)
    context = {
        "contract": contract,
        "form": form,
        "cancel": cancel,
        "refund": refund_due(contract.total, contract.starts_on, contract.ends_on, day),
        "in_money_back": day <= money_back_until(contract.starts_on),
        "money_back_days": MONEY_BACK_DAYS,
        "tab": "contracts",
    }
    return _page(request, "devices/contract_reason.html", context, status)


@staff_with(CANCEL)
def contract_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(request, pk, cancel=True)


@staff_with(CHANGE)
def contract_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(request, pk, cancel=False)


@require_POST
@staff_with(CHANGE)
def contract_auto_renew(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _get(pk)
    wanted = request.POST.get("auto_renew") == "on"
    try:
        contract_set_auto_renew(contract=contract, auto_renew=wanted, actor=_user(request))
    except DomainError as exc:
        flash.error(request, exc.detail)
        return redirect("devices:contract", pk=contract.pk)
    flash.success(request, f"Automatic renewal {'on' if wanted else 'off'}.")
    return redirect("devices:contract", pk=contract.pk)


@staff_with(VIEW)
def renewals(request: HttpRequest) -> HttpResponse:
    on = today()
    rows = list(reads.renewals_due(on)[: PAGE + 1])
    context = {"contracts": rows[:PAGE], "more": len(rows) > PAGE, "on": on, "tab": "renewals"}
    return _page(request, "devices/renewals.html", context)
