"""Knowledge base: search and read published articles (requesters: the public audiences;
the desk's people: every audience); authors create, change, submit and publish articles;
the top articles by views, deflections and links from replies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import KNOWLEDGE
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.knowledge import selectors, services
from caredesk.knowledge.models import Article, Category

router = Router(tags=["knowledge"])

AudienceName = Literal["patient", "clinician", "administrator", "internal"]
LanguageName = Literal["en", "es", "fr", "de"]
Text = Annotated[str, StringConstraints(max_length=100_000)]
Line = Annotated[str, StringConstraints(max_length=200)]
Word = Annotated[str, StringConstraints(max_length=64)]


class ArticleQuery(Clean):
    q: Line = ""
    audience: AudienceName | None = None
    language: LanguageName | None = None
    category: Annotated[str, StringConstraints(max_length=120)] = ""
    model: Word = ""
    firmware: Annotated[str, StringConstraints(max_length=40)] = ""
    page: Annotated[int, Field(ge=1, le=50)] = 1


class PieceOut(Schema):
    text: str
    marked: bool


class ArticleOut(Schema):
    id: int
    slug: str
    url: str
    title: str
    audience: str
    language: str
    original_id: int | None
    category: str | None
    tags: list[str]
    model_sku: str
    firmware_min: str
    firmware_max: str
    version: int | None
    published_at: datetime | None
    grade: float | None
    grade_target: float
    state: str
    review_by: date | None
    body_html: str | None = None
    snippet: list[PieceOut] = []


class ArticlePage(Schema):
    items: list[ArticleOut]
    total: int
    page: int
    has_next: bool


class ArticleIn(Strict):
    title: Line
    body: Text
    audience: AudienceName
    language: LanguageName = "en"
    category: Annotated[str, StringConstraints(max_length=120)] = ""
    tags: Annotated[str, StringConstraints(max_length=300)] = ""
    model_sku: Word = ""
    firmware_min: Annotated[str, StringConstraints(max_length=40)] = ""
    firmware_max: Annotated[str, StringConstraints(max_length=40)] = ""
    review_by: date | None = None
    original_id: Id | None = None
    owner_id: Id | None = None


class ArticlePatch(Strict):
    title: Line | None = None
    body: Text | None = None
    audience: AudienceName | None = None
    language: LanguageName | None = None
    category: Annotated[str, StringConstraints(max_length=120)] | None = None
    tags: Annotated[str, StringConstraints(max_length=300)] | None = None
    model_sku: Word | None = None
    firmware_min: Annotated[str, StringConstraints(max_length=40)] | None = None
    firmware_max: Annotated[str, StringConstraints(max_length=40)] | None = None
    review_by: date | None = None
    original_id: Id | None = None
    owner_id: Id | None = None


class TopQuery(Clean):
    metric: Literal["views", "deflections", "reply_links"] = "views"
    days: Annotated[int, Field(ge=1, le=365)] = selectors.TOP_DAYS


class TopOut(Schema):
    article_id: int
    title: str
    slug: str
    audience: str
    value: int


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _internal(user: User) -> bool:
    """The desk's people read every audience; everyone else the public ones."""
    return user.has_perm("knowledge.view_article")


def _author(request: HttpRequest) -> User:
    user = _user(request)
    if not user.has_perm(services.AUTHOR_PERM):
        raise PermissionDenied("Your role does not write knowledge articles.")
    return user


def _out(
    a: Article, *, body: bool, snippet: list[tuple[str, bool]] | None = None
) -> dict[str, Any]:
    v = a.published
    return {
        "id": a.pk,
        "slug": a.slug,
        "url": f"{settings.CAREDESK_BASE_URL}/help/articles/{a.slug}/",
        "title": v.title if v else a.title,
        "audience": a.audience,
        "language": a.language,
        "original_id": a.original_id,
        "category": a.category.name if a.category else None,
        "tags": a.tag_list,
        "model_sku": a.model_sku,
        "firmware_min": a.firmware_min,
        "firmware_max": a.firmware_max,
        "version": v.number if v else None,
        "published_at": v.created_at if v else None,
        "grade": v.grade if v else a.grade,
        "grade_target": services.grade_target(a.audience),
        "state": a.state,
        "review_by": a.review_by,
        "body_html": v.body_html if (v and body) else None,
        "snippet": [{"text": t, "marked": m} for t, m in (snippet or [])],
    }


@router.get(
    "/knowledge/articles",
    auth=needs_scope(KNOWLEDGE),
    response=ArticlePage,
    summary="Search published knowledge articles",
    openapi_extra=documented(400, 401, 403, 422),
)
def article_list(request: HttpRequest, query: Query[ArticleQuery]) -> dict[str, Any]:
    user = _user(request)
    internal = _internal(user)
    if query.audience == "internal" and not internal:
        raise PermissionDenied("Internal articles are the desk's.")
    f = selectors.Filters(
        q=query.q,
        audience=query.audience or "",
        language=query.language or "",
        category=query.category,
        model=query.model,
        firmware=query.firmware,
    )
    found = selectors.find(f, internal=internal, page=query.page)
    return {
        "items": [_out(h.article, body=False, snippet=h.snippet) for h in found.hits],
        "total": found.total,
        "page": found.page,
        "has_next": found.has_next,
    }


def _readable(user: User, article_id: int) -> Article:
    article = (
        selectors.readable(internal=_internal(user)).filter(pk=article_id).first()
        if not user.has_perm(services.AUTHOR_PERM)
        else Article.objects.select_related("published", "category").filter(pk=article_id).first()
    )
    if article is None:
        raise NotFound("No such article.")
    return article


@router.get(
    "/knowledge/articles/{int:article_id}",
    auth=needs_scope(KNOWLEDGE),
    response=ArticleOut,
    summary="Read a published knowledge article",
    openapi_extra=documented(401, 403, 404, 422),
)
def article_get(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return _out(_readable(_user(request), article_id), body=True)


def _category(slug: str) -> Category | None:
    if not slug:
        return None
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationFailed("Unknown category.", errors={"category": ["No such category."]})
    return found


def _related(payload: ArticleIn | ArticlePatch) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if payload.original_id is not None:
        out["original"] = Article.objects.filter(pk=payload.original_id).first()
        if out["original"] is None:
            raise ValidationFailed("Unknown article.", errors={"original_id": ["Not found."]})
    if payload.owner_id is not None:
        out["owner"] = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if out["owner"] is None or not out["owner"].has_perm("knowledge.view_article"):
            raise ValidationFailed("Unknown person.", errors={"owner_id": ["Not one of the desk."]})
    return out


@router.post(
    "/knowledge/articles",
    auth=needs_scope(KNOWLEDGE),
    response={201: ArticleOut},
    summary="Write a knowledge article (a draft)",
    openapi_extra=documented(400, 401, 403, 409, 413, 422),
)
def article_create(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    actor = _author(request)
    values = payload.model_dump(exclude={"original_id", "owner_id", "category"})
    data = services.ArticleData(**values, category=_category(payload.category), **_related(payload))
    article = services.article_create(data=data, actor=actor)
    return Status(201, _out(article, body=False))


@router.patch(
    "/knowledge/articles/{int:article_id}",
    auth=needs_scope(KNOWLEDGE),
    response=ArticleOut,
    summary="Change a knowledge article's draft",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def article_update(request: HttpRequest, article_id: int, payload: ArticlePatch) -> dict[str, Any]:
    actor = _author(request)
    article = _readable(actor, article_id)
    given = payload.model_dump(exclude_unset=True, exclude={"original_id", "owner_id", "category"})
    current = {name: getattr(article, name) for name in services.FIELDS}
    if "category" in payload.model_fields_set:
        current["category"] = _category(payload.category or "")
    data = services.ArticleData(**(current | given | _related(payload)))
    return _out(services.article_update(article=article, data=data, actor=actor), body=False)


def _transition(request: HttpRequest, article_id: int, name: str) -> dict[str, Any]:
    actor = _author(request)
    article = _readable(actor, article_id)
    if name == "publish":
        services.article_publish(article=article, actor=actor)
    else:
        services.article_submit(article=article, actor=actor)
    return _out(_readable(actor, article_id), body=True)


@router.post(
    "/knowledge/articles/{int:article_id}/submit",
    auth=needs_scope(KNOWLEDGE),
    response=ArticleOut,
    summary="Submit a knowledge article's draft for review",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def article_submit(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return _transition(request, article_id, "submit")


@router.post(
    "/knowledge/articles/{int:article_id}/publish",
    auth=needs_scope(KNOWLEDGE),
    response=ArticleOut,
    summary="Publish a knowledge article in review (a new version)",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def article_publish(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return _transition(request, article_id, "publish")


@router.get(
    "/knowledge/top",
    auth=needs_scope(KNOWLEDGE),
    response=list[TopOut],
    summary="The top 10 articles by views, deflections or links from replies",
    openapi_extra=documented(400, 401, 403, 422),
)
def top(request: HttpRequest, query: Query[TopQuery]) -> list[dict[str, Any]]:
    if not _internal(_user(request)):
        raise PermissionDenied("The top articles are the desk's.")
    return [r.__dict__ for r in selectors.top(query.metric, days=query.days)]
