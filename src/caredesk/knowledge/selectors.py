"""Reads of the knowledge base: what each reader may see, search, suggestions, the review
queue, the top articles and the deflection report (from the daily counters)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from caredesk.core import clock
from caredesk.core.html import html_to_text
from caredesk.knowledge import pure, search
from caredesk.knowledge.models import (
    PUBLIC_AUDIENCES,
    Article,
    ArticleDay,
    Audience,
    Deflection,
    State,
)
from caredesk.tickets.search import terms_of

PAGE_SIZE = 20
TOP = 10
TOP_DAYS = 30


def readable(*, internal: bool) -> QuerySet[Article]:
    """Published articles a reader may open: every audience for the desk's people, the
    public audiences for everyone else (internal articles are never public)."""
    qs = Article.objects.filter(published__isnull=False).exclude(state=State.ARCHIVED)
    if not internal:
        qs = qs.filter(audience__in=PUBLIC_AUDIENCES)
    return qs.select_related("published", "category")


def article_for_reader(slug: str, *, internal: bool) -> Article | None:
    return readable(internal=internal).filter(slug=slug).first()


def variants_of(article: Article, *, internal: bool) -> list[Article]:
    """The article's other languages a reader may open (original and translations)."""
    root = article.original_id or article.pk
    return list(
        readable(internal=internal)
        .filter(Q(pk=root) | Q(original_id=root))
        .exclude(pk=article.pk)
        .order_by("language")
    )


def in_language(article: Article, language: str) -> Article:
    """The published variant of `article` in `language`, else the article itself."""
    if article.language == language:
        return article
    root = article.original_id or article.pk
    found = (
        readable(internal=True).filter(Q(pk=root) | Q(original_id=root), language=language).first()
    )
    return found or article


@dataclass(frozen=True)
class Filters:
    q: str = ""
    audience: str = ""
    language: str = ""
    category: str = ""  # a category's slug
    model: str = ""  # a product model SKU
    firmware: str = ""  # a firmware version the article must cover


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: list[tuple[str, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    page: int
    has_next: bool


def _filtered(qs: QuerySet[Article], f: Filters) -> QuerySet[Article]:
    if f.audience:
        qs = qs.filter(audience=f.audience)
    if f.language:
        qs = qs.filter(language=f.language)
    if f.category:
        qs = qs.filter(category__slug=f.category)
    if f.model:
        qs = qs.filter(model_sku__iexact=f.model)
    return qs


def find(f: Filters, *, internal: bool, page: int = 1) -> Results:
    """Published articles matching the filters; with words, ranked by the search index and
    each with a highlighted snippet of its published text. A constant number of queries."""
    qs = _filtered(readable(internal=internal), f)
    terms = terms_of(f.q)
    if f.q.strip():
        ranked = search.ranked_ids(terms)
        order = {pk: i for i, pk in enumerate(ranked)}
        rows = sorted(qs.filter(pk__in=ranked), key=lambda a: order[a.pk])
    elif not f.firmware:  # a plain list pages in the database
        start = (page - 1) * PAGE_SIZE
        total = qs.count()
        rows = list(qs.order_by("title", "pk")[start : start + PAGE_SIZE])
        return Results([Hit(a) for a in rows], total, page, total > start + PAGE_SIZE)
    else:
        rows = list(qs.order_by("title", "pk"))
    if f.firmware:
        rows = [
            a
            for a in rows
            if a.model_sku and pure.firmware_in_range(f.firmware, a.firmware_min, a.firmware_max)
        ]
    start = (page - 1) * PAGE_SIZE
    shown = rows[start : start + PAGE_SIZE]
    hits = []
    for a in shown:
        version = a.published
        assert version is not None
        text = html_to_text(version.body_html)
        hits.append(Hit(a, search.snippet(text, terms)))
    return Results(hits, len(rows), page, len(rows) > start + PAGE_SIZE)


def suggestions(text: str, *, audiences: tuple[str, ...], limit: int = 5) -> list[Article]:
    """Articles for a problem being typed into a request form: published, of the reader's
    audiences, matching the telling words of the text, best first."""
    ranked = search.ranked_ids(search.suggestion_terms(text), every=False, limit=50)
    if not ranked:
        return []
    order = {pk: i for i, pk in enumerate(ranked)}
    found = readable(internal=False).filter(pk__in=ranked, audience__in=audiences)
    return sorted(found, key=lambda a: order[a.pk])[:limit]


def audiences_of_contact_kind(kind: str) -> tuple[str, ...]:
    """The audiences a requester reads: patients theirs, clinicians theirs, a client's
    administrators theirs; anyone else the patients' articles."""
    return {
        "clinician": (Audience.CLINICIAN,),
        "client_admin": (Audience.ADMINISTRATOR,),
    }.get(kind, (Audience.PATIENT,))


def for_requester(kind: str, *, limit: int = 6) -> list[Article]:
    """The published articles of a requester's audience, most read in the last 30 days first
    (then by title): two queries."""
    audiences = audiences_of_contact_kind(kind)
    read = [r.article_id for r in top("views") if r.audience in audiences]
    rows = list(
        readable(internal=False)
        .filter(audience__in=audiences, original__isnull=True)
        .order_by("title")[:50]
    )
    rank = {pk: i for i, pk in enumerate(read)}
    return sorted(rows, key=lambda a: (rank.get(a.pk, len(rank)), a.title))[:limit]


def desk_list(*, state: str = "", q: str = "") -> QuerySet[Article]:
    qs = Article.objects.select_related("owner", "category", "published")
    if state:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(title__icontains=q.strip())
    return qs.order_by("-updated_at", "-pk")


def review_queue() -> QuerySet[Article]:
    return desk_list(state=State.IN_REVIEW).select_related("submitted_by")


def review_due(*, within_days: int = 30) -> QuerySet[Article]:
    """Published articles whose review-by date has come or comes within `within_days`."""
    until = clock.now().date() + timedelta(days=within_days)
    return (
        Article.objects.filter(review_by__lte=until, published__isnull=False)
        .exclude(state=State.ARCHIVED)
        .select_related("owner")
        .order_by("review_by")
    )


@dataclass(frozen=True)
class Ranked:
    article_id: int
    title: str
    slug: str
    audience: str
    value: int


def top(metric: str, *, days: int = TOP_DAYS, limit: int = TOP) -> list[Ranked]:
    """The articles with most `metric` (views, deflections, reply_links) over the last
    `days` days, from the daily counters: one query."""
    since = clock.now().date() - timedelta(days=days - 1)
    rows = (
        ArticleDay.objects.filter(day__gte=since)
        .values("article_id", "article__title", "article__slug", "article__audience")
        .annotate(total=Sum(metric))
        .filter(total__gt=0)
        .order_by("-total", "article_id")[:limit]
    )
    return [
        Ranked(
            r["article_id"],
            r["article__title"],
            r["article__slug"],
            r["article__audience"],
            r["total"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class WeekRow:
    article_id: int
    title: str
    weeks: list[int]
    total: int


@dataclass(frozen=True)
class Report:
    weeks: list[date]
    rows: list[WeekRow]
    by_form: list[tuple[str, int]]


def deflection_report(*, weeks: int = 8) -> Report:
    """Deflections by article and week (the last `weeks` weeks, this one included) and by
    the form that suggested the article: two queries."""
    first = pure.week_start(clock.now().date()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    rows = (
        ArticleDay.objects.filter(day__gte=first, deflections__gt=0)
        .annotate(week=TruncWeek("day"))
        .values("article_id", "article__title", "week")
        .annotate(total=Sum("deflections"))
        .order_by("article__title", "article_id")
    )
    table: dict[int, WeekRow] = {}
    for r in rows:
        row = table.setdefault(
            r["article_id"], WeekRow(r["article_id"], r["article__title"], [0] * weeks, 0)
        )
        week = r["week"]
        week_day = week.date() if hasattr(week, "date") else week
        index = (week_day - first).days // 7
        if 0 <= index < weeks:
            row.weeks[index] += r["total"]
    ordered = sorted(
        (WeekRow(r.article_id, r.title, r.weeks, sum(r.weeks)) for r in table.values()),
        key=lambda r: (-r.total, r.title),
    )
    by_form = list(
        Deflection.objects.filter(at__date__gte=first)
        .values_list("form")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return Report(starts, ordered, [(f, n) for f, n in by_form])


def articles_by_title(titles: list[str]) -> dict[str, int]:
    """Published original articles by their exact title: title -> id. One query."""
    if not titles:
        return {}
    found = (
        Article.objects.filter(title__in=titles, published__isnull=False, original__isnull=True)
        .exclude(state=State.ARCHIVED)
        .order_by("pk")
        .values_list("title", "pk")
    )
    ids: dict[str, int] = {}
    for title, pk in found:
        ids.setdefault(title, pk)
    return ids
