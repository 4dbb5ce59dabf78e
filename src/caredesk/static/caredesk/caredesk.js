// CareDesk keyboard shortcuts and small progressive enhancements. No inline scripts (CSP).
(function () {
  "use strict";
  function typing(el) {
    // a ticked checkbox (a queue's selection) takes no letters: j/k/x keep working from it
    return el && ((el.tagName === "INPUT" && el.type !== "checkbox") || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function rows() { return Array.from(document.querySelectorAll("[data-keyboard-list] tbody tr")); }
  function select(index) {
    var list = rows();
    if (!list.length) return;
    index = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    var row = list[index];
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    var link = row.querySelector("a");
    if (link) link.focus({ preventScroll: false });
  }
  function current() { return rows().findIndex(function (r) { return r.classList.contains("selected"); }); }
  function chooseMode(mode) {
    var radio = document.getElementById("kind-" + mode);
    var body = document.getElementById("id_body");
    if (radio && body) { radio.checked = true; body.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var search = Array.from(document.querySelectorAll("[data-shortcut='/']")).find(function (el) { return el.offsetParent !== null; });
    switch (e.key) {
      case "/": if (search) { e.preventDefault(); search.focus(); search.select(); } break;
      case "j": e.preventDefault(); select(current() + 1); break;
      case "k": e.preventDefault(); select(current() - 1); break;
      case "o": case "Enter": {
        var i = current();
        if (i >= 0) { e.preventDefault(); window.location.href = rows()[i].dataset.href; }
        break;
      }
      case "r": e.preventDefault(); chooseMode("public"); break;
      case "n": e.preventDefault(); chooseMode("internal"); break;
      case "a": { var take = document.getElementById("take-form"); if (take) { e.preventDefault(); take.requestSubmit(); } break; }
      case "e": { var up = document.getElementById("escalate-link"); if (up) { e.preventDefault(); window.location.href = up.href; } break; }
      case "?": { var d = document.getElementById("shortcuts"); if (d && d.showModal) { e.preventDefault(); d.showModal(); } break; }
    }
  });
  // A form sent back with errors: move focus to its summary so the problem is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("[data-keyboard-list] tbody tr");
    if (row && !e.target.closest("a, input, label, td.pick")) window.location.href = row.dataset.href;
  });
  // Copy buttons (hidden until a script can copy): data-copy names the element whose text is
  // copied; the button's status line says what happened.
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus || "");
    var say = function (text) { if (status) status.textContent = text; };
    navigator.clipboard.writeText(source ? source.textContent.trim() + "\n" : "").then(
      function () { say("Copied to the clipboard."); },
      function () { say("Could not copy: select the codes and copy them, or download them."); }
    );
  });
  // A region marked data-swap-errors shows the answer to a refused request (422: what to fix)
  // in place, where htmx would otherwise keep the stale content.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (e.detail.xhr.status === 422 && target && target.hasAttribute("data-swap-errors")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // Forms with data-confirm ask once before they are sent (deactivate, erase, mark done).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  });
  // The top bar's menus (<details>): Escape closes the open one and gives focus back to its
  // button; a click elsewhere closes it.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("details.topmenu[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.topmenu[open]").forEach(function (menu) {
      if (!menu.contains(e.target)) menu.removeAttribute("open");
    });
  });
})();
