"""Training: curricula and progress, shadowing logs, exams, certifications per skill, and the
replies held for approval while an uncertified agent works a gated category."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from caredesk.core import clock
from caredesk.tickets.models import Message, RequestType, Ticket

USER = settings.AUTH_USER_MODEL


class Skill(models.Model):
    """What a certification is for: ticket categories and, optionally, product models (SKUs)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    categories = models.ManyToManyField(RequestType, blank=True, related_name="skills")
    # the categories are given only to agents certified for the skill
    gates = models.BooleanField(default=False)
    product_models = models.JSONField(default=list, blank=True)  # SKUs
    # the firmware version last seen per SKU: a new one forces recertification
    firmware_seen = models.JSONField(default=dict, blank=True)
    questions_per_exam = models.PositiveSmallIntegerField(default=10)
    pass_mark = models.PositiveSmallIntegerField(default=80)  # per cent
    attempts_limit = models.PositiveSmallIntegerField(default=3)
    cooldown_hours = models.PositiveSmallIntegerField(default=24)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_training", "Manage curricula, exams, skills and certifications"),
            ("signoff_shadowing", "Sign off shadowed interactions and approve held replies"),
        ]

    def __str__(self) -> str:
        return self.name


class Curriculum(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)
    shadowing_hours = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=1)
    link = models.URLField(blank=True, default="")
    text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["curriculum", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.curriculum_id}.{self.order} {self.title}"


class Enrolment(models.Model):
    """A curriculum assigned to an agent."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="enrolments")
    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="enrolments")
    assigned_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "agent"], name="training_enrolment_once")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} follows {self.curriculum_id}"


class ModuleCompletion(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="modules_done")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "agent"], name="training_module_once")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} finished {self.module_id}"


class ShadowLog(models.Model):
    """A live interaction an agent shadowed; counts once a certified agent or lead signs it."""

    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="shadow_logs")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="shadow_logs")
    ticket_ref = models.CharField(max_length=40)
    occurred_on = models.DateField()
    shadowed = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="shadowed_by")
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["agent", "skill"])]

    def __str__(self) -> str:
        return f"{self.agent_id} shadowed {self.ticket_ref}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    choices = models.JSONField(default=list)  # the options, in order
    correct = models.JSONField(default=list)  # indexes into choices
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ExamAttempt(models.Model):
    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="exam_attempts")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # per cent
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["agent", "skill", "started_at"])]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.skill_id} #{self.number}"


class Certification(models.Model):
    """An agent's current certification for a skill (renewed in place; changes are audited)."""

    class Via(models.TextChoices):
        EXAM = "exam", "Exam passed"
        LEAD = "lead", "Granted by a lead"

    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="certifications")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="certifications")
    via = models.CharField(max_length=8, choices=Via.choices)
    granted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True, default="")
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    recertify_by = models.DateTimeField(null=True, blank=True, db_index=True)
    recertify_reason = models.CharField(max_length=200, blank=True, default="")
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["skill", "agent"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="training_cert_once")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.skill_id}"

    @property
    def lapses_at(self) -> datetime:
        """When it stops counting: its expiry, or an earlier forced recertification."""
        if self.recertify_by and self.recertify_by < self.expires_at:
            return self.recertify_by
        return self.expires_at

    @property
    def is_current(self) -> bool:
        return self.lapses_at > clock.now()


class HeldReply(models.Model):
    class State(models.TextChoices):
        HELD = "held", "Waiting for approval"
        SENT = "sent", "Approved and sent"
        RETURNED = "returned", "Returned with a note"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="held_replies")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="held")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="held_replies")
    reason = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.HELD)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    sent = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"held reply {self.message_id}"
