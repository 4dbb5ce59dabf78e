"""Telephone calls as Twilio reports them, their recordings, and requesters' numbers."""

from __future__ import annotations

from datetime import datetime

from django.db import models


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    INITIATED = "initiated", "Initiated"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in-progress", "In progress (answered)"
    COMPLETED = "completed", "Completed"
    BUSY = "busy", "Busy"
    NO_ANSWER = "no-answer", "No answer"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


# How far along a call is: an event never moves a call back, and the first end wins.
STAGE: dict[str, int] = {
    CallStatus.QUEUED: 1,
    CallStatus.INITIATED: 1,
    CallStatus.RINGING: 1,
    CallStatus.IN_PROGRESS: 2,
    CallStatus.COMPLETED: 3,
    CallStatus.BUSY: 3,
    CallStatus.NO_ANSWER: 3,
    CallStatus.FAILED: 3,
    CallStatus.CANCELED: 3,
}
ENDED = 3


class ContactPhone(models.Model):
    """A requester's telephone number in E.164 form, for finding the requester of a call.

    Kept in step with Contact.phone (from_profile) whenever a contact is saved; more numbers
    for a contact can be added in the admin. A number belongs to one requester."""

    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +15550100199")
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.CASCADE, related_name="phone_numbers"
    )
    from_profile = models.BooleanField(
        default=False, help_text="Taken from the contact's phone field (and follows it)."
    )

    class Meta:
        ordering = ["number"]
        verbose_name = "requester phone number"

    def __str__(self) -> str:
        return self.number


class Call(models.Model):
    """One call (Twilio's CallSid) with what its status callbacks reported, timed on arrival."""

    call_sid = models.CharField("CallSid", max_length=64, unique=True)
    account_sid = models.CharField("AccountSid", max_length=64, blank=True, default="")
    from_number = models.CharField(
        max_length=64, blank=True, default="", help_text="E.164 when it is a number."
    )
    to_number = models.CharField(max_length=64, blank=True, default="")
    direction = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(max_length=16, choices=CallStatus.choices, blank=True, default="")
    urgent = models.BooleanField(default=False, help_text="On the urgent (24/7) line.")
    queued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    answer_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="From queued or ringing to answered."
    )
    answer_target_met = models.BooleanField(null=True, blank=True)
    handle_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="From answered to ended."
    )
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Twilio's CallDuration."
    )
    recording_url = models.URLField(max_length=500, blank=True, default="")
    requester = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    noted = models.BooleanField(default=False, help_text="The call's facts are on its ticket.")
    # A call put through to agents' phones (TwiML <Dial>) has dialed legs, each a call of its
    # own at Twilio (with ParentCallSid). The caller was answered when an agent's phone was,
    # not when the desk's greeting picked up.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legs",
        help_text="For a dialed leg: the caller's call it belongs to.",
    )
    dialed = models.BooleanField(
        default=False, help_text="Put through to agents' phones: answered when a leg was."
    )
    leg_answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first dialed leg was answered."
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="call_created_idx")]

    def __str__(self) -> str:
        return f"{self.call_sid} ({self.status or 'unknown'})"

    @property
    def outbound(self) -> bool:
        """Placed by the desk (REST API). A dialed leg (outbound-dial) still comes from the
        caller: its From is the caller's number."""
        return self.direction == "outbound-api"

    @property
    def answered(self) -> datetime | None:
        """When the caller reached a person: a dialed leg's answer, else the call's own."""
        return self.leg_answered_at if self.dialed else self.answered_at

    @property
    def caller_number(self) -> str:
        """The requester's side of the call (the one called, for calls the desk placed)."""
        return self.to_number if self.outbound else self.from_number

    @property
    def line_number(self) -> str:
        """The desk's own number on this call."""
        return self.from_number if self.outbound else self.to_number


class CallRecording(models.Model):
    """A recording of a call (a voicemail, or a recorded conversation)."""

    recording_sid = models.CharField("RecordingSid", max_length=64, unique=True)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="recordings")
    url = models.URLField(max_length=500)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True, default="")
    posted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the link was put on the call's ticket."
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.recording_sid
