from __future__ import annotations

from django import forms
from django.contrib import admin

from caredesk.reports.models import KpiTarget
from caredesk.reports.pure import TARGETS_BY_KPI


class KpiTargetForm(forms.ModelForm):  # type: ignore[type-arg]
    kpi = forms.ChoiceField(label="KPI", choices=[(k, t.label) for k, t in TARGETS_BY_KPI.items()])

    class Meta:
        model = KpiTarget
        fields = ["kpi", "met", "at_risk"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        target = TARGETS_BY_KPI.get(str(data.get("kpi")))
        met, at_risk = data.get("met"), data.get("at_risk")
        if target and isinstance(met, float) and isinstance(at_risk, float):
            worse = at_risk > met if not target.higher_is_better else at_risk < met
            if target.upper is None and not worse and at_risk != met:
                self.add_error(
                    "at_risk",
                    "The at-risk edge must be worse than the target "
                    + ("(lower)." if target.higher_is_better else "(higher)."),
                )
        return data


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = KpiTargetForm
    list_display = ["kpi", "met", "at_risk", "updated_at"]
