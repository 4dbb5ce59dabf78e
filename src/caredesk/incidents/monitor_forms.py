"""Forms of the monitors, services and components screens (one question per field)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms

from caredesk.accounts.models import Organization, Team
from caredesk.incidents.models import Component, ComponentState, Monitor, Service

MAX_LATENCY_MS = 30_000
MAX_INTERVAL_SECONDS = 24 * 60 * 60


class MonitorForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.CharField(
        max_length=500,
        label="URL to check",
        help_text="http:// or https://; the worker sends one GET and follows no redirects.",
    )

    class Meta:
        model = Monitor
        fields = [
            "name",
            "component",
            "url",
            "expected_status",
            "latency_ms",
            "expected_text",
            "interval_seconds",
            "retries",
            "severity",
            "allow_private",
            "enabled",
        ]
        labels = {
            "name": "Name",
            "component": "Component it watches",
            "expected_status": "Expected HTTP status",
            "latency_ms": "Latency budget (ms)",
            "expected_text": "Expected text in the response (optional)",
            "interval_seconds": "Check every (seconds)",
            "retries": "Failures (and successes) in a row before it acts",
            "severity": "Severity of the incident it opens",
            "allow_private": "May call private and loopback addresses (internal services only)",
            "enabled": "Enabled",
        }
        help_texts = {
            "allow_private": "",
            "retries": "After this many failures an incident opens; after as many successes "
            "it reports that checks pass again.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        component = self.fields["component"]
        assert isinstance(component, forms.ModelChoiceField)
        component.queryset = Component.objects.select_related("service")

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip()
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise forms.ValidationError("This is not a valid URL.") from None
        if parts.scheme not in ("http", "https"):
            raise forms.ValidationError("Only http:// and https:// URLs can be checked.")
        if not parts.hostname:
            raise forms.ValidationError("Give the URL a host name, e.g. https://video.example/.")
        if parts.username or parts.password:
            raise forms.ValidationError("Leave user names and passwords out of the URL.")
        if port == 0:
            raise forms.ValidationError("This is not a valid port.")
        if any(c.isspace() for c in url):
            raise forms.ValidationError("A URL has no spaces.")
        return url

    def clean_latency_ms(self) -> int:
        value = int(self.cleaned_data["latency_ms"])
        if not 1 <= value <= MAX_LATENCY_MS:
            raise forms.ValidationError(f"Give a budget from 1 to {MAX_LATENCY_MS} ms.")
        return value

    def clean_interval_seconds(self) -> int:
        value = int(self.cleaned_data["interval_seconds"])
        if not 10 <= value <= MAX_INTERVAL_SECONDS:
            raise forms.ValidationError("Check at least every 24 hours and at most every 10 s.")
        return value

    def clean_expected_status(self) -> int:
        value = int(self.cleaned_data["expected_status"])
        if not 100 <= value <= 599:
            raise forms.ValidationError("An HTTP status is from 100 to 599.")
        return value

    def clean_retries(self) -> int:
        value = int(self.cleaned_data["retries"])
        if not 1 <= value <= 10:
            raise forms.ValidationError("Give a number from 1 to 10.")
        return value


class _Positioned(forms.ModelForm):  # type: ignore[type-arg]
    """`position` may be left empty (first)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def clean_position(self) -> int:
        return int(self.cleaned_data.get("position") or 0)


class ServiceForm(_Positioned):
    class Meta:
        model = Service
        fields = ["name", "description", "position"]
        labels = {
            "name": "Name",
            "description": "Description (optional)",
            "position": "Position on the status page",
        }


class ComponentForm(_Positioned):
    state = forms.ChoiceField(choices=ComponentState.choices, label="Current state")
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label="Organizations that use it (none: everyone)",
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        label="Team paged for its incidents",
    )

    class Meta:
        model = Component
        fields = ["service", "name", "slug", "description", "position", "public", "team"]
        labels = {
            "service": "Service",
            "name": "Name",
            "slug": "Short name in links",
            "description": "Description (optional)",
            "position": "Position within the service",
            "public": "Shown on the public status page",
        }
        help_texts = {"slug": "Letters, digits and hyphens, e.g. video-rooms."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["state"].initial = self.instance.state
            self.fields["organizations"].initial = list(self.instance.organizations.all())
        else:
            self.fields["state"].initial = ComponentState.OPERATIONAL
