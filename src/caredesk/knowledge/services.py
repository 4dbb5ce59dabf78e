"""The only writer of the knowledge base: articles, their versions and events, the daily
counters and deflections. Every change of an article is an attributed `ArticleEvent` written in
the change's transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from markdown_it import MarkdownIt

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.core.html import html_to_text, sanitize
from caredesk.core.text import problem as text_problem
from caredesk.knowledge import pure, search
from caredesk.knowledge.models import (
    Article,
    ArticleDay,
    ArticleEvent,
    ArticleVersion,
    Audience,
    Category,
    Deflection,
    EventKind,
    Language,
    State,
    SuggestingForm,
)

AUTHOR_PERM = "knowledge.author_article"
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(body: str) -> str:
    """An article's Markdown as sanitized HTML (raw HTML in the Markdown is not kept)."""
    return sanitize(_markdown.render(body))


def plain_text(body: str) -> str:
    return html_to_text(render(body))


def grade_of(body: str, language: str) -> float | None:
    return pure.reading_grade(plain_text(body), language)


def grade_target(audience: str) -> float:
    targets: dict[str, float] = settings.CAREDESK_KB_GRADE_TARGETS
    return float(targets.get(audience, 12.0))


@dataclass(frozen=True)
class ArticleData:
    title: str
    body: str
    audience: str
    language: str = Language.EN
    category: Category | None = None
    tags: str = ""
    model_sku: str = ""
    firmware_min: str = ""
    firmware_max: str = ""
    review_by: date | None = None
    owner: User | None = None
    original: Article | None = None
    slug: str = ""


FIELDS = (
    "title",
    "body",
    "audience",
    "language",
    "category",
    "tags",
    "model_sku",
    "firmware_min",
    "firmware_max",
    "review_by",
    "owner",
    "original",
)


def _require_author(actor: User) -> None:
    if not actor.has_perm(AUTHOR_PERM):
        raise PermissionDenied("Your role does not write knowledge articles.")


def _check_original(
    data: ArticleData, article: Article | None, errors: dict[str, list[str]]
) -> None:
    original = data.original
    if original is None:
        return
    if article is not None and original.pk == article.pk:
        errors["original"] = ["An article cannot translate itself."]
    elif original.original_id is not None:
        errors["original"] = ["Link a translation to the original article."]
    elif original.language == data.language:
        errors["language"] = ["A translation is in another language than its original."]


def _check(data: ArticleData, article: Article | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Give the article a title."]
    if not data.body.strip():
        errors["body"] = ["Write the article."]
    for name in ("title", "body", "tags", "model_sku", "firmware_min", "firmware_max"):
        why = text_problem(getattr(data, name))
        if why:
            errors.setdefault(name, []).append(why)
    if data.audience not in Audience.values:
        errors["audience"] = ["Choose patients, clinicians, administrators or internal."]
    if data.language not in Language.values:
        errors["language"] = ["Choose English, Spanish, French or German."]
    low, high = data.firmware_min.strip(), data.firmware_max.strip()
    if low and high and pure.version_key(low) > pure.version_key(high):
        errors["firmware_max"] = ["The highest firmware comes before the lowest."]
    if (low or high) and not data.model_sku.strip():
        errors["model_sku"] = ["Name the product model the firmware range is for."]
    _check_original(data, article, errors)
    if errors:
        raise ValidationFailed("The article has problems.", errors=errors)


def _event(article: Article, kind: str, actor: User | None, **detail: Any) -> None:
    ArticleEvent.objects.create(
        article=article, kind=kind, actor=actor, at=clock.now(), detail=detail
    )


def _unique_slug(wanted: str, language: str) -> str:
    base = slugify(wanted)[:120] or "article"
    if language != Language.EN and not base.endswith(f"-{language}"):
        base = f"{base}-{language}"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(*, data: ArticleData, actor: User) -> Article:
    _require_author(actor)
    _check(data)
    now = clock.now()
    values = {name: getattr(data, name) for name in FIELDS}
    values["owner"] = data.owner or actor
    values["title"] = data.title.strip()
    article = Article(
        **values,
        slug=_unique_slug(data.slug or data.title, data.language),
        grade=grade_of(data.body, data.language),
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as exc:
        raise Conflict("An article with this address exists.", errors={"slug": ["Taken."]}) from exc
    _event(article, EventKind.CREATED, actor, title=article.title)
    return article


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def article_update(*, article: Article, data: ArticleData, actor: User) -> Article:
    """Change the draft. A published article stays as readers see it until published again;
    an article in review goes back to draft when its text changes."""
    _require_author(actor)
    article = _locked(article)
    if article.state == State.ARCHIVED:
        raise Conflict("An archived article is not edited.", errors={"state": ["Archived."]})
    _check(data, article)
    changed = []
    for name in FIELDS:
        value = getattr(data, name)
        if name == "owner" and value is None:
            continue
        if name == "title":
            value = value.strip()
        if getattr(article, name) != value:
            setattr(article, name, value)
            changed.append(name)
    if not changed:
        return article
    article.grade = grade_of(article.body, article.language)
    if article.state == State.IN_REVIEW and {"title", "body"} & set(changed):
        article.state = State.PUBLISHED if article.published_id else State.DRAFT
        article.submitted_by = None
    article.updated_at = clock.now()
    article.save()
    _event(article, EventKind.EDITED, actor, fields=changed)
    return article


def draft_differs(article: Article) -> bool:
    """Whether the draft holds changes its published version does not."""
    version = article.published
    return version is None or (version.title, version.body) != (article.title, article.body)


@transaction.atomic
def article_submit(*, article: Article, actor: User) -> Article:
    _require_author(actor)
    article = _locked(article)
    if article.state in (State.IN_REVIEW, State.ARCHIVED):
        raise Conflict(
            f"The article is {article.get_state_display().lower()}.",
            errors={"state": [article.get_state_display()]},
        )
    if not draft_differs(article):
        raise Conflict(
            "The draft is the published version: change it first.",
            errors={"body": ["No change since the last publish."]},
        )
    article.state = State.IN_REVIEW
    article.submitted_by = actor
    article.updated_at = clock.now()
    article.save(update_fields=["state", "submitted_by", "updated_at"])
    _event(article, EventKind.SUBMITTED, actor)
    return article


@transaction.atomic
def article_return(*, article: Article, actor: User, reason: str = "") -> Article:
    """Send an article in review back to its author."""
    _require_author(actor)
    article = _locked(article)
    if article.state != State.IN_REVIEW:
        raise Conflict("The article is not in review.", errors={"state": ["Not in review."]})
    article.state = State.PUBLISHED if article.published_id else State.DRAFT
    article.submitted_by = None
    article.updated_at = clock.now()
    article.save(update_fields=["state", "submitted_by", "updated_at"])
    _event(article, EventKind.RETURNED, actor, reason=reason[:300])
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: User) -> ArticleVersion:
    """Make the draft the version readers see: a new immutable version, the search index."""
    _require_author(actor)
    article = _locked(article)
    if article.state != State.IN_REVIEW:
        raise Conflict(
            "Submit the article for review before publishing it.",
            errors={"state": ["Only an article in review is published."]},
        )
    if settings.CAREDESK_KB_SECOND_REVIEWER and article.submitted_by_id == actor.pk:
        raise PermissionDenied(
            "Someone other than the person who submitted it publishes the article.",
            errors={"state": ["A second reviewer publishes."]},
        )
    last = article.versions.order_by("-number").values_list("number", flat=True).first()
    html = render(article.body)
    version = ArticleVersion.objects.create(
        article=article,
        number=(last or 0) + 1,
        title=article.title,
        body=article.body,
        body_html=html,
        grade=article.grade,
        author=article.submitted_by,
        published_by=actor,
        created_at=clock.now(),
    )
    article.published = version
    article.state = State.PUBLISHED
    article.submitted_by = None
    article.updated_at = version.created_at
    article.save(update_fields=["published", "state", "submitted_by", "updated_at"])
    search.index_write(article.pk, version.title, html_to_text(html))
    _event(article, EventKind.PUBLISHED, actor, version=version.number)
    return version


@transaction.atomic
def article_archive(*, article: Article, actor: User) -> Article:
    _require_author(actor)
    article = _locked(article)
    if article.state == State.ARCHIVED:
        return article
    article.state = State.ARCHIVED
    article.submitted_by = None
    article.updated_at = clock.now()
    article.save(update_fields=["state", "submitted_by", "updated_at"])
    search.index_remove(article.pk)
    _event(article, EventKind.ARCHIVED, actor)
    return article


# -- counters --------------------------------------------------------------------------------


def _count(article_ids: list[int], field: str) -> None:
    """Add one to `field` of today's counter of each article: an UPDATE, and an INSERT for
    the articles without a row today (a race on that INSERT becomes the UPDATE)."""
    if not article_ids:
        return
    today = clock.now().date()
    with transaction.atomic():
        done = set(
            ArticleDay.objects.filter(article_id__in=article_ids, day=today).values_list(
                "article_id", flat=True
            )
        )
        ArticleDay.objects.filter(article_id__in=done, day=today).update(**{field: F(field) + 1})
        for pk in article_ids:
            if pk in done:
                continue
            try:
                with transaction.atomic():
                    ArticleDay.objects.create(article_id=pk, day=today, **{field: 1})
            except IntegrityError:
                ArticleDay.objects.filter(article_id=pk, day=today).update(**{field: F(field) + 1})


def view_count(article: Article) -> None:
    _count([article.pk], "views")


@transaction.atomic
def deflection_record(*, article: Article, form: str) -> Deflection:
    """A reader said the article solved their problem: the request they then did not send."""
    if form not in SuggestingForm.values:
        form = SuggestingForm.HELP_CENTRE
    deflection = Deflection.objects.create(
        article=article, form=form, audience=article.audience, at=clock.now()
    )
    _count([article.pk], "deflections")
    return deflection


_ARTICLE_LINK = re.compile(r"/help/articles/([a-z0-9_-]+)/")


def reply_links_count(body: str) -> list[int]:
    """Count a "linked from reply" for every published article a sent reply links to."""
    slugs = set(_ARTICLE_LINK.findall(body))
    if not slugs:
        return []
    ids = list(
        Article.objects.filter(slug__in=slugs, published__isnull=False).values_list("pk", flat=True)
    )
    _count(ids, "reply_links")
    return ids
