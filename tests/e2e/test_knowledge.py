"""The knowledge base in a real browser: a support lead writes an article on the desk and the
readability grade updates as they type; a clinical and quality reviewer publishes it from the
review queue; a patient on the portal's new-request form types a matching problem, sees the
article suggested, opens it and clicks "This solved my problem"; the deflection shows on the
desk's report. Screenshots at 1440 and 390 pixels wide."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.knowledge.models import Article, ArticleDay, Category, Deflection
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    RequestTypeFactory,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.e2e

BODY = (
    "If the light on your home hub stays red, the hub has lost its link to us.\n\n"
    "## What to do\n\n"
    "- Turn the hub off.\n- Wait ten seconds.\n- Turn it on again.\n\n"
    "The light turns green in a minute or two. If it stays red, call us."
)


def test_an_article_written_published_suggested_and_marked_as_solving(
    open_screen, clock, monkeypatch
):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-kb-shots")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    Category.objects.get_or_create(name="Home hub", slug="home-hub")
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")
    reviewer = AgentFactory(
        name="Tamsin Vale", email="tamsin.quality@caredesk.example", role=ROLE_QUALITY
    )
    patient = requester_with_login(
        name="Wren Ashdown", email="wren@patients.example", kind=ContactKind.PATIENT
    )
    RequestTypeFactory(name="Device problem", slug="device-problem")

    # --- the lead writes the article; the grade follows the text --------------------------------
    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    screen.allow("status of 422")
    page = screen.page
    screen.quality("Knowledge base")
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge base")
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title").fill("Hub light stays red")
    page.get_by_label("Audience").select_option(label="Patients")
    page.get_by_label("Body").fill(
        "Intermittent telemetry desynchronisation necessitates systematic reinitialisation."
    )
    expect(page.locator("[data-grade]")).to_contain_text("above 8")
    page.get_by_label("Body").fill(BODY)
    page.get_by_label("Body").press("End")  # a key press, as typing ends
    expect(page.locator("[data-grade]")).to_contain_text("within 8")
    page.get_by_label("Category").select_option(label="Home hub")
    page.get_by_label("Tags").fill("hub, light, connection")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash")).to_contain_text("saved as a draft")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".kb-workflow")).to_contain_text("Someone else reviews")
    screen.check("article editor, submitted")
    screen.shoot("kb-editor")

    # --- a second person publishes it from the review queue -------------------------------------
    second = open_screen()
    second.login(reviewer.email, PASSWORD)
    rpage = second.page
    second.quality("Knowledge base")
    rpage.get_by_role("link", name="Review queue", exact=True).click()
    screen_row = rpage.get_by_role("row", name="Hub light stays red")
    expect(screen_row).to_contain_text("Odile Brack")
    second.check("review queue")
    second.shoot("kb-review")
    rpage.get_by_role("link", name="Hub light stays red").click()
    with rpage.expect_navigation(wait_until="load"):
        rpage.get_by_role("button", name="Publish").click()
    expect(rpage.locator(".meta").first).to_contain_text("Published v1")
    article = Article.objects.get(title="Hub light stays red")
    assert article.published is not None and article.published.published_by == reviewer

    # --- the patient types the problem on the portal's form -------------------------------------
    reader = open_screen()
    reader.login(patient.email, PASSWORD)
    ppage = reader.page
    reader.goto("/portal/new/device-problem/")
    suggestions = ppage.locator("#kb-suggestions")
    expect(suggestions).to_contain_text("help centre")  # before typing: a plain link
    ppage.get_by_label("Summary").press_sequentially("The hub light is red", delay=20)
    expect(suggestions.get_by_role("link", name="Hub light stays red")).to_be_visible()
    reader.check("portal form with a suggestion")
    reader.shoot("kb-portal-suggestion")
    with ppage.context.expect_page() as opened:
        suggestions.get_by_role("link", name="Hub light stays red").click()
    tab = opened.value
    tab.wait_for_load_state("load")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Hub light stays red")
    expect(tab.get_by_role("heading", name="What to do")).to_be_visible()
    with tab.expect_navigation(wait_until="load"):
        tab.get_by_role("button", name="This solved my problem").click()
    expect(tab.get_by_role("heading", name="Glad it helped")).to_be_visible()
    reader.page = tab
    reader.check("article after solving")
    reader.shoot("kb-article-solved")

    d = Deflection.objects.get()
    assert (d.article_id, d.form, d.audience) == (article.pk, "portal", "patient")
    assert ArticleDay.objects.get(article=article).views == 1

    # --- the lead sees the deflection on the desk's report --------------------------------------
    page.get_by_role("link", name="Top articles and deflections").click()
    table = page.locator("[data-deflections]")
    expect(table.get_by_role("row", name="Hub light stays red")).to_contain_text("1")
    solved = page.locator("section", has=page.get_by_role("heading", name="Most problems solved"))
    expect(solved).to_contain_text("Hub light stays red")
    screen.check("knowledge report")
    screen.shoot("kb-report")

    # --- and the public help centre finds it without signing in ---------------------------------
    anonymous = open_screen()
    anonymous.goto("/help/?q=hub+red")
    expect(anonymous.page.get_by_role("link", name="Hub light stays red")).to_be_visible()
    expect(anonymous.page.locator("mark").first).to_be_visible()
    anonymous.check("help centre search")
    anonymous.shoot("kb-help-centre")


def test_an_agent_inserts_an_article_link_from_the_reply_box(open_screen, clock, monkeypatch):
    """The reply box's picker from the keyboard: the Spanish translation's public link goes into
    the reply; sending it counts a link from a reply. Then the lists, versions and the portal."""
    from caredesk.knowledge import services
    from caredesk.knowledge.models import ArticleDay
    from tests.factories import make_ticket

    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-kb-shots")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")
    reviewer = AgentFactory(name="Tamsin Vale", role=ROLE_QUALITY)
    agent = AgentFactory(name="Amara Quist", email="amara@caredesk.example")
    patient = requester_with_login(
        name="Wren Ashdown", email="wren@patients.example", kind=ContactKind.PATIENT
    )

    def publish(**kw):
        article = services.article_create(
            data=services.ArticleData(audience="patient", **kw), actor=lead
        )
        services.article_submit(article=article, actor=lead)
        services.article_publish(article=article, actor=reviewer)
        return article

    original = publish(title="Hub light stays red", body=BODY)
    spanish = publish(
        title="La luz del concentrador sigue roja",
        body="Apague el concentrador. Espere diez segundos. Enciéndalo.",
        language="es",
        original=original,
    )
    ticket = make_ticket(patient, subject="Hub light")

    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    page.get_by_text("Insert a help article link").click()
    page.get_by_label("Requester's language").select_option("es")
    page.get_by_label("Find an article").press_sequentially("hub red", delay=20)
    option = page.get_by_role("button", name="La luz del concentrador sigue roja")
    expect(option).to_be_visible()
    screen.check("reply box with the article picker")
    screen.shoot("kb-reply-picker")
    page.get_by_label("Find an article").press("ArrowDown")
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    reply = page.locator("#id_body")
    expect(reply).to_have_value(
        f"La luz del concentrador sigue roja: {settings.CAREDESK_BASE_URL}/help/articles/{spanish.slug}/"
    )
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Send reply").click()
    assert ArticleDay.objects.get(article=spanish).reply_links == 1

    # the lead's lists and versions
    desk = open_screen()
    desk.login(lead.email, PASSWORD)
    desk.goto("/agent/knowledge/?all=1")
    expect(desk.page.get_by_role("row", name="Hub light stays red")).to_contain_text("within 8")
    desk.check("every article")
    desk.shoot("kb-desk-list")
    desk.goto(f"/agent/knowledge/{original.pk}/versions/")
    expect(desk.page.get_by_role("link", name="Version 1")).to_be_visible()
    desk.check("versions")
    desk.shoot("kb-versions")

    # the patient's portal lists the articles for patients
    portal = open_screen()
    portal.login(patient.email, PASSWORD)
    expect(portal.page.get_by_role("region", name="Help articles for you")).to_contain_text(
        "Hub light stays red"
    )
    portal.check("portal home")
    portal.shoot("kb-portal-home")
