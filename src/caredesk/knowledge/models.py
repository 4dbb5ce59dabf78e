"""Knowledge base: articles per audience and language, their published versions, what happened
to them, and the daily counters the help centre's readers move."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Audience(models.TextChoices):
    PATIENT = "patient", "Patients"
    CLINICIAN = "clinician", "Clinicians"
    ADMINISTRATOR = "administrator", "Administrators"
    INTERNAL = "internal", "Internal (agents only)"


PUBLIC_AUDIENCES = (Audience.PATIENT, Audience.CLINICIAN, Audience.ADMINISTRATOR)


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Español"
    FR = "fr", "Français"
    DE = "de", "Deutsch"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Category(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One article in one language. Its title and body here are the working draft; readers
    see `published` (the latest published version) while the next draft is edited."""

    slug = models.SlugField(max_length=140, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; rendered and sanitized when published.")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        help_text="The article this one translates.",
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = models.CharField(max_length=300, blank=True, default="")
    model_sku = models.CharField("product model (SKU)", max_length=64, blank=True, default="")
    firmware_min = models.CharField(max_length=40, blank=True, default="")
    firmware_max = models.CharField(max_length=40, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_articles"
    )
    review_by = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    # the draft's reading grade (Flesch-Kincaid), kept with the draft
    grade = models.FloatField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]
        permissions = [("author_article", "Write, submit and publish knowledge articles")]
        indexes = [
            models.Index(fields=["state", "audience", "language"], name="kb_article_reading_idx"),
            models.Index(fields=["title"], name="kb_article_title_idx"),
            models.Index(fields=["review_by"], name="kb_article_review_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.audience != Audience.INTERNAL and self.published_id is not None

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class ArticleVersion(models.Model):
    """What one publish made public: immutable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField()
    grade = models.FloatField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published version never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A published version is never deleted.")


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class ArticleEvent(models.Model):
    """Who did what to an article, when (append-only)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"], name="kb_event_article_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Article events are append-only.")
        super().save(*args, **kwargs)


class ArticleDay(models.Model):
    """One article's counters for one day: the help centre adds to them, never a row a view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    deflections = models.PositiveIntegerField(default=0)
    reply_links = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="kb_day_unique")]
        indexes = [models.Index(fields=["day"], name="kb_day_day_idx")]

    def __str__(self) -> str:
        return f"{self.day}: {self.views} views"


class SuggestingForm(models.TextChoices):
    PORTAL = "portal", "Portal new request"
    HELP_FORM = "help_form", "Public help form"
    HELP_CENTRE = "help_centre", "Help centre"


class Deflection(models.Model):
    """A reader said an article solved their problem: the request they did not send. Holds
    which form suggested it, the audience and the time; nothing about the person."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    form = models.CharField(max_length=12, choices=SuggestingForm.choices)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["at"], name="kb_deflection_at_idx")]

    def __str__(self) -> str:
        return f"{self.form} {self.at:%Y-%m-%d}"
