"""Incidents and the public status page: the components customers use and their state over
time, synthetic monitors that watch them, incidents with their timeline, the tickets gathered
under an incident, root-cause reviews, scheduled maintenance and status subscriptions.

Component state history is kept as intervals (`ComponentStateChange` rows, one per change) so
uptime over any window is a sum over the rows that overlap it; `pure.py` holds that arithmetic."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from caredesk.accounts.models import Organization, Team, User
from caredesk.tickets.models import Ticket


class ComponentState(models.TextChoices):
    """Worst last: the status page shows the worst state among a group's components."""

    OPERATIONAL = "operational", "Operational"
    MAINTENANCE = "maintenance", "Under maintenance"
    DEGRADED = "degraded", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


# Uptime counts a component as down during these states (degraded and maintenance count as up).
DOWN_STATES = (ComponentState.PARTIAL_OUTAGE, ComponentState.MAJOR_OUTAGE)


class Service(models.Model):
    """A group of components on the status page (video visits, scheduling, the API…)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """A part of a service whose state customers see; `organizations` are those that use it
    (empty: everyone). `team` is who is paged when an incident about it is declared."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    public = models.BooleanField(default=True, help_text="Shown on the public status page.")
    state = models.CharField(
        max_length=16, choices=ComponentState.choices, default=ComponentState.OPERATIONAL
    )
    state_since = models.DateTimeField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The team paged for incidents about this component.",
    )  # fmt: skip
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["service__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="incidents_component_name")
        ]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.name}"


class ComponentStateChange(models.Model):
    """The component entered `state` at `at` (and stayed until the next row). Written only by
    `services.component_set_state`."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(max_length=16, choices=ComponentState.choices)
    at = models.DateTimeField()
    incident = models.ForeignKey(
        "Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["component_id", "at", "id"]
        indexes = [models.Index(fields=["component", "at"], name="incidents_change_at_idx")]

    def __str__(self) -> str:
        return f"{self.component_id} {self.state} at {self.at:%Y-%m-%d %H:%M}"


class Severity(models.IntegerChoices):
    SEV1 = 1, "Sev 1 (critical)"
    SEV2 = 2, "Sev 2 (major)"
    SEV3 = 3, "Sev 3 (minor)"
    SEV4 = 4, "Sev 4 (low)"


class SeverityTarget(models.Model):
    """Targets per severity: acknowledge within, resolve within (minutes). Installed with the
    guide's figures by a data migration (Sev 1: 5 and 60); a lead may change them."""

    severity = models.PositiveSmallIntegerField(choices=Severity.choices, unique=True)
    acknowledge_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolve_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    page = models.BooleanField(default=True, help_text="Page the on-call engineer on declare.")
    stakeholder_survey = models.BooleanField(
        default=False, help_text="Ask stakeholders for their satisfaction after it resolves."
    )

    class Meta:
        ordering = ["severity"]

    def __str__(self) -> str:
        return f"Sev {self.severity}"


class IncidentState(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


OPEN_STATES = (IncidentState.INVESTIGATING, IncidentState.IDENTIFIED, IncidentState.MONITORING)


class Source(models.TextChoices):
    PERSON = "person", "Declared by a person"
    MONITOR = "monitor", "Opened by a monitor"
    RULE = "rule", "Opened by a rule (many tickets with one symptom)"


class Incident(models.Model):
    """An incident. `acknowledged_at` and `resolved_at` give time to acknowledge and to resolve
    (from `started_at`). `page` is the on-call page sent when it was declared."""

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    state = models.CharField(
        max_length=16, choices=IncidentState.choices, default=IncidentState.INVESTIGATING
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PERSON)
    symptom = models.CharField(
        max_length=200, blank=True, default="",
        help_text="Words that tickets about this incident share; used to suggest links.",
    )  # fmt: skip
    public = models.BooleanField(default=True, help_text="Shown on the public status page.")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commander = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    communications = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    components = models.ManyToManyField(
        Component, through="IncidentComponent", related_name="incidents"
    )
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    page = models.ForeignKey(
        "oncall.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(
                fields=["started_at"],
                name="incidents_open_idx",
                condition=~Q(state="resolved"),
            ),
            models.Index(fields=["resolved_at"], name="incidents_resolved_idx"),
        ]
        permissions = [
            ("declare_incident", "Can declare an incident"),
            ("manage_incident", "Can update, link tickets to and resolve incidents"),
            ("manage_status", "Can set up components, monitors and maintenance"),
        ]

    def __str__(self) -> str:
        return f"INC-{self.number}: {self.title}"


class IncidentComponent(models.Model):
    """A component the incident affects and the state it put it in."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    component = models.ForeignKey(Component, on_delete=models.CASCADE)
    state = models.CharField(
        max_length=16, choices=ComponentState.choices, default=ComponentState.MAJOR_OUTAGE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "component"], name="incidents_affects")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} affects {self.component_id}"


class IncidentUpdate(models.Model):
    """One entry of the incident's timeline. A public update is shown on the status page and,
    with `notify`, sent to every linked requester (by the worker, `sent_count` as it goes)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=IncidentState.choices)
    body = models.TextField(max_length=5000)
    public = models.BooleanField(default=True)
    notify = models.BooleanField(default=False, help_text="Tell every linked requester.")
    sent_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident_id", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.state} at {self.at:%Y-%m-%d %H:%M}"


class IncidentTicket(models.Model):
    """A ticket gathered under an incident (a ticket joins at most one open incident at once;
    `keep_open` keeps it open when the incident resolves)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    keep_open = models.BooleanField(default=False)

    class Meta:
        ordering = ["incident_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "ticket"], name="incidents_link_once")
        ]
        indexes = [models.Index(fields=["ticket"], name="incidents_link_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} gathers ticket {self.ticket_id}"


class UpdateDelivery(models.Model):
    """An update told to one linked ticket's requester (the worker's fan-out writes one row per
    ticket with the reply, so a retried job skips the tickets already told)."""

    update = models.ForeignKey(IncidentUpdate, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    solved = models.BooleanField(default=False)

    class Meta:
        ordering = ["update_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "ticket"], name="incidents_told_once")
        ]

    def __str__(self) -> str:
        return f"update {self.update_id} told ticket {self.ticket_id}"


class Maintenance(models.Model):
    """Scheduled maintenance shown on the status page before and while it runs."""

    title = models.CharField(max_length=200)
    body = models.TextField(max_length=5000, blank=True, default="")
    components = models.ManyToManyField(Component, related_name="maintenances")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="incidents_maintenance_span"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """The root-cause analysis of an incident: due 7 business days (operations calendar) after
    it resolved; the template's parts are the fields below."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="review")
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()
    summary = models.TextField(max_length=10000, blank=True, default="")
    impact = models.TextField(max_length=10000, blank=True, default="")
    timeline = models.TextField(max_length=10000, blank=True, default="")
    root_cause = models.TextField(max_length=10000, blank=True, default="")
    detection = models.TextField(max_length=10000, blank=True, default="")
    lessons = models.TextField(max_length=10000, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Review of incident {self.incident_id}"


class ActionItem(models.Model):
    """A follow-up of a review, linked to an engineering tracker issue or a backlog ticket."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tracker_url = models.URLField(max_length=500, blank=True, default="")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return self.title


class CheckResult(models.TextChoices):
    UP = "up", "Up"
    DOWN = "down", "Down"


class Monitor(models.Model):
    """A synthetic check the worker runs every `interval_seconds` against `url` (only through
    the outbound address guard): expected status, latency budget, expected text. After
    `retries` failures in a row it opens (or updates) an incident of `severity` about
    `component`; after as many successes it reports recovery."""

    name = models.CharField(max_length=120, unique=True)
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="monitors")
    url = models.URLField(max_length=500)
    allow_private = models.BooleanField(
        default=False, help_text="May call private and loopback addresses (internal services)."
    )
    expected_status = models.PositiveSmallIntegerField(
        default=200, validators=[MinValueValidator(100), MaxValueValidator(599)]
    )
    expected_text = models.CharField(max_length=200, blank=True, default="")
    latency_ms = models.PositiveIntegerField(default=2000, validators=[MinValueValidator(1)])
    interval_seconds = models.PositiveIntegerField(default=60, validators=[MinValueValidator(10)])
    retries = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Failures in a row before an incident opens.",
    )  # fmt: skip
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.SEV2)
    enabled = models.BooleanField(default=True)
    failures = models.PositiveSmallIntegerField(default=0)
    successes = models.PositiveSmallIntegerField(default=0)
    last_result = models.CharField(
        max_length=4, choices=CheckResult.choices, blank=True, default=""
    )
    last_error = models.CharField(max_length=300, blank=True, default="")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The open incident this monitor opened.",
    )  # fmt: skip
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["next_check_at"], name="incidents_monitor_due_idx",
                         condition=Q(enabled=True)),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class MonitorCheck(models.Model):
    """One run of a monitor (kept for the monitor's page; old rows are pruned)."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="checks")
    at = models.DateTimeField()
    result = models.CharField(max_length=4, choices=CheckResult.choices)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["monitor_id", "-at"]
        indexes = [models.Index(fields=["monitor", "at"], name="incidents_check_at_idx")]

    def __str__(self) -> str:
        return f"{self.monitor_id} {self.result} at {self.at:%Y-%m-%d %H:%M}"


class SubscriptionKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"


class Subscription(models.Model):
    """Someone told of status changes: by mail (confirmed from a link first) or a webhook (an
    administrator's or an organization admin's, through the outbound address guard).
    `components` empty: every component. `token` signs the confirm and unsubscribe links."""

    kind = models.CharField(max_length=8, choices=SubscriptionKind.choices)
    address = models.CharField(max_length=500)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    components = models.ManyToManyField(Component, blank=True, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    allow_private = models.BooleanField(
        default=False, help_text="A webhook that may call private and loopback addresses."
    )
    secret = models.CharField(
        max_length=64, blank=True, default="", help_text="Signs the webhook's deliveries."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "address"], name="incidents_subscriber_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} subscription {self.pk}"


class StakeholderRating(models.Model):
    """A stakeholder's satisfaction with how an incident was handled (1-5), asked by mail after
    a severity whose target says so resolves. `token` is carried by the signed links; the mail
    names neither the incident's details nor anyone's health."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField()
    role = models.CharField(max_length=32, help_text="Why they were asked (organization admin…).")
    token = models.CharField(max_length=64, unique=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "email"], name="incidents_rating_once")
        ]

    def __str__(self) -> str:
        return f"Rating {self.pk} of incident {self.incident_id}"
