"""Knowledge screens: the desk's list, search, editor (with the reading grade live), versions,
review queue, report and the reply box's article picker; and the public help centre (no
sign-in: public audiences only), its article pages, suggestions and "This solved my problem"."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core import ratelimit
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError
from caredesk.knowledge import selectors, services
from caredesk.knowledge.forms import ArticleForm
from caredesk.knowledge.models import (
    PUBLIC_AUDIENCES,
    Article,
    Audience,
    Category,
    Language,
    State,
    SuggestingForm,
)

READ = "knowledge.view_article"
WRITE = services.AUTHOR_PERM


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _desk(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**sidebar(_user(request)), **context}, status=status)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 50 else 1


def _filters(request: HttpRequest, *, public: bool) -> selectors.Filters:
    get = request.GET
    audience = get.get("audience", "")
    allowed = [a.value for a in PUBLIC_AUDIENCES] if public else Audience.values
    return selectors.Filters(
        q=get.get("q", "")[:200],
        audience=audience if audience in allowed else "",
        language=get.get("language", "") if get.get("language") in Language.values else "",
        category=get.get("category", "")[:120],
        model=get.get("model", "")[:64],
        firmware=get.get("firmware", "")[:40],
    )


def _choices(*, public: bool) -> dict[str, Any]:
    audiences = [(a.value, a.label) for a in PUBLIC_AUDIENCES] if public else Audience.choices
    categories = Category.objects.all()
    if public:  # the categories holding a public article
        categories = categories.filter(
            articles__in=selectors.readable(internal=False).values("pk")
        ).distinct()
    return {"audiences": audiences, "languages": Language.choices, "categories": list(categories)}


# -- the desk ----------------------------------------------------------------------------------


@staff_with(READ)
def article_list(request: HttpRequest) -> HttpResponse:
    """Published articles searched as readers find them, or (state given) the desk's list of
    every article in that state with its reading grade against its audience's target."""
    state = request.GET.get("state", "")
    context: dict[str, Any] = {"tab": "list", **_choices(public=False), "state": state}
    if state in State.values or request.GET.get("all"):
        rows = list(selectors.desk_list(state=state, q=request.GET.get("q", "")[:200])[:200])
        context["rows"] = [(a, services.grade_target(a.audience)) for a in rows]
    else:
        f = _filters(request, public=False)
        context["filters"] = f
        context["results"] = selectors.find(f, internal=True, page=_page_number(request))
    return _desk(request, "knowledge/desk_list.html", context)


def _data(form: ArticleForm) -> services.ArticleData:
    c = form.cleaned_data
    return services.ArticleData(
        title=c["title"],
        body=c["body"],
        audience=c["audience"],
        language=c["language"],
        category=c["category"],
        tags=c["tags"],
        model_sku=c["model_sku"].strip(),
        firmware_min=c["firmware_min"].strip(),
        firmware_max=c["firmware_max"].strip(),
        review_by=c["review_by"],
        owner=c["owner"],
        original=c["original"],
    )


def _editor(
    request: HttpRequest, form: ArticleForm, article: Article | None, status: int = 200
) -> HttpResponse:
    audience = form["audience"].value() or Audience.PATIENT
    body = form["body"].value() or ""
    language = form["language"].value() or Language.EN
    context = {
        "tab": "edit" if article else "new",
        "form": form,
        "article": article,
        "grade": services.grade_of(str(body), str(language)),
        "target": services.grade_target(str(audience)),
        "differs": article is not None and services.draft_differs(article),
        "events": list(article.events.select_related("actor")[:20]) if article else [],
    }
    return _desk(request, "knowledge/editor.html", context, status)


@staff_with(WRITE)
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(data=_data(form), actor=_user(request))
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "Article saved as a draft.")
            return redirect("knowledge:edit", pk=article.pk)
    return _editor(request, form, None, 422 if form.errors else 200)


def _initial(article: Article) -> dict[str, Any]:
    return {
        name: getattr(article, name)
        for name in (*services.FIELDS, "review_by")
        if name not in ("category", "owner", "original")
    } | {
        "category": article.category_id,
        "owner": article.owner_id,
        "original": article.original_id,
    }


@staff_with(READ)
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("published"), pk=pk)
    user = _user(request)
    if not user.has_perm(WRITE):
        if request.method == "POST":
            raise Http404
        return redirect("knowledge:read", pk=pk)
    form = ArticleForm(request.POST or None, initial=_initial(article))
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, data=_data(form), actor=user)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "Draft saved.")
            return redirect("knowledge:edit", pk=article.pk)
    return _editor(request, form, article, 422 if form.errors else 200)


ACTIONS = {
    "submit": (services.article_submit, "Submitted for review."),
    "publish": (services.article_publish, "Published: readers now see this version."),
    "return": (services.article_return, "Returned to draft."),
    "archive": (services.article_archive, "Archived: the article is no longer shown."),
}


@require_POST
@staff_with(WRITE)
def article_state(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        flash.error(request, "Choose submit, publish, return or archive.")
        return redirect("knowledge:edit", pk=pk)
    do, done = action
    try:
        do(article=article, actor=_user(request))
    except DomainError as exc:
        flash.error(request, exc.detail)
    else:
        flash.success(request, done)
    return redirect("knowledge:edit", pk=pk)


@require_POST
@staff_with(WRITE)
def readability(request: HttpRequest) -> HttpResponse:
    """The editor's live reading grade (htmx): the body as typed, against the audience's target."""
    body = request.POST.get("body", "")[:200_000]
    language = request.POST.get("language", "en")
    audience = request.POST.get("audience", Audience.PATIENT)
    context = {
        "grade": services.grade_of(body, language if language in Language.values else "en"),
        "target": services.grade_target(audience if audience in Audience.values else "patient"),
    }
    return render(request, "knowledge/_grade.html", context)


@staff_with(READ)
def article_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The published article as agents read it (internal ones too)."""
    article = get_object_or_404(Article.objects.select_related("published", "owner"), pk=pk)
    context = {
        "tab": "list",
        "article": article,
        "version": article.published,
        "variants": selectors.variants_of(article, internal=True),
    }
    return _desk(request, "knowledge/desk_read.html", context)


@staff_with(READ)
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    rows = list(article.versions.select_related("author", "published_by"))
    number = request.GET.get("v", "")
    shown = next((v for v in rows if str(v.number) == number), rows[0] if rows else None)
    context = {"tab": "list", "article": article, "versions": rows, "shown": shown}
    return _desk(request, "knowledge/versions.html", context)


@staff_with(READ)
def review(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.review_queue()[:200])
    context = {
        "tab": "review",
        "rows": [(a, services.grade_target(a.audience)) for a in rows],
        "due": list(selectors.review_due()[:50]),
        "second_reviewer": settings.CAREDESK_KB_SECOND_REVIEWER,
    }
    return _desk(request, "knowledge/review.html", context)


@staff_with(READ)
def report(request: HttpRequest) -> HttpResponse:
    context = {
        "tab": "report",
        "report": selectors.deflection_report(),
        "top_views": selectors.top("views"),
        "top_deflections": selectors.top("deflections"),
        "top_links": selectors.top("reply_links"),
        "top_days": selectors.TOP_DAYS,
        "forms": dict(SuggestingForm.choices),
    }
    return _desk(request, "knowledge/report.html", context)


@staff_with(READ)
def picker(request: HttpRequest) -> HttpResponse:
    """The reply box's article picker: published articles by words, each with the public link
    in the ticket's language where a translation exists (`lang`)."""
    q = request.GET.get("q", "")[:200]
    language = request.GET.get("lang", "")
    hits = selectors.find(selectors.Filters(q=q), internal=False).hits if q.strip() else []
    rows = []
    for hit in hits[:8]:
        article = selectors.in_language(hit.article, language) if language else hit.article
        link = f"{settings.CAREDESK_BASE_URL}/help/articles/{article.slug}/"
        rows.append({"article": article, "link": link})
    return render(request, "knowledge/_picker.html", {"rows": rows, "q": q})


# -- the public help centre --------------------------------------------------------------------

SEEN_COOKIE = "kb_seen"
SEEN_SECONDS = 30 * 60  # a reader's reload within this is not counted again
SEEN_SALT = "caredesk.knowledge.seen"
SOLVED_PER_HOUR = 20
SUGGESTS_PER_MINUTE = 120


def _public(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context)


def help_home(request: HttpRequest) -> HttpResponse:
    f = _filters(request, public=True)
    context = {
        **_choices(public=True),
        "filters": f,
        "results": selectors.find(f, internal=False, page=_page_number(request)),
    }
    return _public(request, "knowledge/help_home.html", context)


def help_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    f = selectors.Filters(category=slug, audience=_filters(request, public=True).audience)
    context = {
        **_choices(public=True),
        "category": category,
        "filters": f,
        "results": selectors.find(f, internal=False, page=_page_number(request)),
    }
    return _public(request, "knowledge/help_home.html", context)


def _seen(request: HttpRequest) -> dict[str, int]:
    try:
        raw = signing.loads(request.COOKIES.get(SEEN_COOKIE, ""), salt=SEEN_SALT)
    except signing.BadSignature:
        return {}
    return raw if isinstance(raw, dict) else {}


def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_for_reader(slug, internal=False)
    if article is None:
        raise Http404
    came_from = request.GET.get("from", "")
    now = int(time.time())
    seen = {
        k: v for k, v in _seen(request).items() if isinstance(v, int) and now - v < SEEN_SECONDS
    }
    if str(article.pk) not in seen:
        services.view_count(article)
    seen[str(article.pk)] = now
    context = {
        "article": article,
        "version": article.published,
        "variants": selectors.variants_of(article, internal=False),
        "came_from": came_from if came_from in SuggestingForm.values else "",
        "solved": request.GET.get("solved") == "1",
    }
    response = _public(request, "knowledge/help_article.html", context)
    kept = dict(sorted(seen.items(), key=lambda kv: -kv[1])[:50])
    response.set_cookie(
        SEEN_COOKIE,
        signing.dumps(kept, salt=SEEN_SALT),
        max_age=SEEN_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_POST
def help_solved(request: HttpRequest, slug: str) -> HttpResponse:
    """ "This solved my problem": a deflection for the article and the form that suggested it."""
    article = selectors.article_for_reader(slug, internal=False)
    if article is None:
        raise Http404
    # one address counts at most SOLVED_PER_HOUR deflections: more are thanked, not counted
    if ratelimit.hit(
        "kb-solved", ratelimit.client_ip(request), limit=SOLVED_PER_HOUR, window=3600
    ).allowed:
        services.deflection_record(article=article, form=request.POST.get("form", ""))
    return redirect(f"/help/articles/{article.slug}/?solved=1")


def help_suggest(request: HttpRequest) -> HttpResponse:
    """Articles for the problem being typed into a request form (htmx partial)."""
    verdict = ratelimit.hit(
        "kb-suggest", ratelimit.client_ip(request), limit=SUGGESTS_PER_MINUTE, window=60
    )
    if not verdict.allowed:
        response = HttpResponse("Too many lookups; wait a moment.", status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    text = " ".join(request.GET.get(name, "")[:2000] for name in ("subject", "body", "description"))
    form = request.GET.get("form", "")
    form = form if form in SuggestingForm.values else SuggestingForm.HELP_CENTRE
    contact = getattr(request.user, "contact", None) if request.user.is_authenticated else None
    if contact is not None:
        audiences = selectors.audiences_of_contact_kind(contact.kind)
    else:
        audiences = tuple(a.value for a in PUBLIC_AUDIENCES)
    context = {
        "articles": selectors.suggestions(text, audiences=audiences),
        "form": form,
        "typed": bool(text.strip()),
    }
    return render(request, "knowledge/_suggestions.html", context)
