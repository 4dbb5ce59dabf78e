"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live server.

No browser is ever downloaded: the tests use /usr/bin/chromium (or CAREDESK_CHROMIUM) and are
skipped when it is missing, unless CAREDESK_REQUIRE_BROWSER=1 (then they fail).

Every page a test opens is watched: console errors, uncaught exceptions, CSP violations and
failed requests are collected and `Screen.check()` asserts there were none, together with a
small accessibility audit (labels, one <main>, dangling ARIA references, colour contrast).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.intake.conftest import imap_server  # noqa: F401 - a mailbox for mail-borne flows
from tests.oncall.conftest import twilio_peer  # noqa: F401 - the pagers' phone company

# Playwright's sync API keeps an asyncio event loop in the main thread; Django's ORM refuses to
# run next to a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CAREDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000

# Records CSP violations as console errors so the console listener sees them even when
# Chromium's own report is not surfaced. Init scripts run outside the page's CSP.
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || "?"}:${e.lineNumber || 0}`);
});
"""

_A11Y_AUDIT = """
() => {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, " ").trim() : "");
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? `[name=${el.name}]` : "");

  // 1. Every form control has an accessible label.
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const byLabel = Array.from(el.labels || []).some((l) => text(l));
    const byAria = (el.getAttribute("aria-label") || "").trim() !== "";
    const byRef = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .some((id) => text(document.getElementById(id)));
    if (!(byLabel || byAria || byRef)) problems.push(`${describe(el)} has no label`);
  }
  // 2. Exactly one main landmark.
  const mains = document.querySelectorAll("main, [role=main]").length;
  if (mains !== 1) problems.push(`${mains} <main> landmarks (want exactly 1)`);
  // 3. ARIA references point at elements that exist; ids are unique.
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" on ${describe(el)} points nowhere`);
      }
    }
  }
  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push(`duplicate id "${el.id}"`);
    seen.add(el.id);
  }
  // 4. WCAG AA contrast for visible text (4.5:1, or 3:1 for large text).
  const rgba = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const bg = rgba(getComputedStyle(n).backgroundColor);
      if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || checked.has(el) || !walker.currentNode.textContent.trim()) continue;
    checked.add(el);
    if (!visible(el) || el.closest(".visually-hidden, [hidden], dialog:not([open]), option, script")) continue;
    const s = getComputedStyle(el);
    const fg = rgba(s.color);
    if (!fg) continue;
    const bg = background(el);
    const fgFlat = over(fg, bg);
    const [l1, l2] = [lum(fgFlat), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      problems.push(`contrast ${ratio.toFixed(2)}:1 < ${need}:1 for "${text(el).slice(0, 40)}" (${describe(el)}.${el.className})`);
    }
  }
  return problems;
}
"""

# Roles whose nodes need a computed accessible name in Chromium's accessibility tree.
_NAMED_ROLES = {"textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton", "button"}


def _chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test process (each xdist worker gets its own)."""
    if not _chromium_available():
        reason = f"Debian chromium not installed at {CHROMIUM}"
        if os.environ.get("CAREDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (CAREDESK_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@dataclass
class Screen:
    """A page in its own browser context, with everything that went wrong on it recorded."""

    page: Any
    base_url: str
    errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def watch(self) -> None:
        page = self.page
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught exception: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, msg: Any) -> None:
        if msg.type in ("error", "assert"):
            self.errors.append(f"console.{msg.type}: {msg.text}")

    def _on_request_failed(self, request: Any) -> None:
        failure = request.failure or ""
        # A navigation that replaces a page aborts its pending requests; that is not an error.
        if "ERR_ABORTED" not in failure:
            self.errors.append(f"request failed: {request.method} {request.url} {failure}")

    def _on_response(self, response: Any) -> None:
        # Expected form errors answer 422; anything else at 400+ is a broken page or asset.
        if response.status >= 400 and response.status != 422:
            self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def allow(self, fragment: str) -> None:
        """Tolerate recorded problems containing `fragment` (e.g. the 422 of a form error)."""
        self.allowed.append(fragment)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path), wait_until="load")

    def settings(self, link: str) -> None:
        """Open the top bar's Settings menu from the keyboard and follow one of its links."""
        self._menu("settings-menu", link)

    def quality(self, link: str) -> None:
        """Open the top bar's Quality menu (knowledge base, reviews, feedback, training) from
        the keyboard and follow one of its links."""
        self._menu("quality-menu", link)

    def _menu(self, menu: str, link: str) -> None:
        page = self.page
        page.locator(f"#{menu} > summary").focus()
        page.keyboard.press("Enter")
        with page.expect_navigation(wait_until="load"):
            page.locator(f"#{menu}").get_by_role("link", name=link, exact=True).click()

    def login(self, email: str, password: str) -> None:
        """Sign in as a person does, including the second step where the account needs one:
        staff without an authenticator set one up from the key the page shows."""
        page = self.page
        self.password_step(email, password)
        if "/login/enroll/" in page.url:
            self.enroll()
        elif "/login/code/" in page.url:
            self.second_step(email)
        assert "/login/" not in page.url, f"sign-in failed for {email}"

    def password_step(self, email: str, password: str) -> None:
        page = self.page
        self.goto("/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Sign in").click()

    def enroll(self) -> list[str]:
        """On the set-up page: type the code for the shown key; returns the recovery codes."""
        from caredesk.accounts import totp
        from caredesk.core import clock

        page = self.page
        secret = page.locator("#setup-key").inner_text().replace(" ", "")
        page.get_by_label("6-digit code from the app").fill(
            totp.code_at(secret, clock.now().timestamp())
        )
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Turn on two-step sign-in").click()
        codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="I have saved my codes, continue").click()
        return codes

    def second_step(self, email: str) -> None:
        """On the second-step page: type the code the person's authenticator shows now."""
        from caredesk.accounts.models import User
        from tests.factories import second_step_code

        page = self.page
        page.get_by_label("Code").fill(second_step_code(User.objects.get(email=email)))
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Verify").click()

    def problems(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]

    def check(self, label: str = "") -> None:
        """Assert a clean console, no CSP violation and an accessible screen."""
        where = label or self.page.url
        problems = self.problems()
        assert not problems, f"browser problems on {where}:\n" + "\n".join(problems)
        audit = self._audit()
        audit += self._unnamed_controls()
        assert not audit, f"accessibility problems on {where}:\n" + "\n".join(audit)

    def _audit(self) -> list[str]:
        """Run the audit on a settled document: a click that starts a navigation can leave
        the page between documents (no body yet, or its context replaced mid-run)."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            self.page.wait_for_load_state("load")
            try:
                return list(self.page.evaluate(_A11Y_AUDIT))
            except PlaywrightError as exc:
                between = "not of type 'Node'" in str(exc) or "context was destroyed" in str(exc)
                if not between or attempt == 2:
                    raise
        return []

    def _unnamed_controls(self) -> list[str]:
        """Ask Chromium's accessibility tree which controls ended up without a name."""
        cdp = self.page.context.new_cdp_session(self.page)
        try:
            nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        finally:
            cdp.detach()
        out = []
        for node in nodes:
            if node.get("ignored"):
                continue
            role = node.get("role", {}).get("value")
            name = (node.get("name", {}).get("value") or "").strip()
            if role in _NAMED_ROLES and not name:
                out.append(
                    f"{role} without an accessible name (backend node {node.get('backendDOMNodeId')})"
                )
        return out

    def shoot(self, name: str) -> None:
        """Screenshot at 1440x900 and at 390x844 (full page); no sideways scrolling at either."""
        page = self.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            for size in (DESKTOP, PHONE):
                page.set_viewport_size(size)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size}"
                page.screenshot(
                    path=SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png",
                    full_page=True,
                    animations="disabled",
                    caret="hide",
                )
        finally:
            page.set_viewport_size(DESKTOP)


@pytest.fixture
def open_screen(browser: Any, live_server: Any) -> Iterator[Callable[[], Screen]]:
    """Open a fresh browser context (own cookies) per call; all are closed after the test."""
    contexts: list[Any] = []

    def factory() -> Screen:
        context = browser.new_context(
            viewport=DESKTOP,
            locale="en-US",
            timezone_id="UTC",
            reduced_motion="reduce",
            color_scheme="light",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(_CSP_REPORTER)
        contexts.append(context)
        screen = Screen(page=context.new_page(), base_url=live_server.url)
        screen.watch()
        return screen

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def screen(open_screen: Callable[[], Screen]) -> Screen:
    return open_screen()


@pytest.fixture(autouse=True)
def _browser_tests_use_the_live_server(transactional_db: Any) -> None:
    """Live-server tests see committed data only, so every e2e test is transactional."""


@pytest.fixture(autouse=True)
def _shipped_severity_targets(transactional_db: Any) -> None:
    """Browser tests flush the tables between tests: install the shipped incident severity
    targets again (a fresh install has them from a data migration)."""
    from caredesk.incidents.defaults import install_severity_targets
    from caredesk.incidents.models import SeverityTarget

    install_severity_targets(SeverityTarget)


@pytest.fixture(autouse=True)
def _sessions_outlast_moved_clocks(settings: Any) -> None:
    """Browser tests move the clock by hours to watch SLA clocks run; that is not a person
    leaving the desk, so sessions here outlast any such move. The sign-in tests
    (test_signin.py) put the production limits back to test the logoff itself."""
    settings.CAREDESK_STAFF_IDLE_MINUTES = 7 * 24 * 60
    settings.CAREDESK_IDLE_MINUTES = 7 * 24 * 60
    settings.CAREDESK_SESSION_MAX_HOURS = 7 * 24
