from django import forms
from django.contrib import admin

from caredesk.core.admin_mixins import ReadOnlyAdmin
from caredesk.phone.models import Call, CallRecording, ContactPhone
from caredesk.tickets.admin import TicketVisibleAdmin


class CallRecordingInline(ReadOnlyAdmin, admin.TabularInline):  # type: ignore[type-arg]
    model = CallRecording
    extra = 0
    can_delete = False
    fields = ("recording_sid", "url", "duration_seconds", "status", "received_at", "posted_at")
    readonly_fields = fields


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin, TicketVisibleAdmin):
    """Every call Twilio reported: answer and handle times, the urgent flag, the ticket."""

    list_display = (
        "created_at",
        "from_number",
        "to_number",
        "status",
        "urgent",
        "answer_seconds",
        "answer_target_met",
        "handle_seconds",
        "dialed",
        "ticket",
    )
    # "Parent: empty" lists the callers' calls; the dialed legs to agents' phones have one
    list_filter = (
        "status",
        "urgent",
        "answer_target_met",
        "direction",
        ("parent", admin.EmptyFieldListFilter),
    )
    search_fields = ("call_sid", "from_number", "to_number")
    readonly_fields = [f.name for f in Call._meta.fields]
    inlines = [CallRecordingInline]
    date_hierarchy = "created_at"


class ContactPhoneForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ContactPhone
        fields = ("number", "contact")

    def clean_number(self) -> str:
        from caredesk.phone.services import normalize

        number = normalize(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError("Enter a telephone number, e.g. +1 555 010 0199.")
        return number


@admin.register(ContactPhone)
class ContactPhoneAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Numbers calls are matched by; a contact's phone field adds one automatically."""

    form = ContactPhoneForm
    list_display = ("number", "contact", "from_profile")
    search_fields = ("number", "contact__name", "contact__email")
    raw_id_fields = ("contact",)
    readonly_fields = ("from_profile",)
