// @mentions in the note box: typing "@" and part of a name lists the people who may see the
// ticket (a listbox under the box); arrows move, Enter or Tab picks, Escape closes. No inline
// scripts (CSP). The box may be swapped by htmx, so everything is delegated from the document.
(function () {
  "use strict";
  var timer = null;
  var asked = 0;

  function box() { return document.getElementById("id_body"); }
  function list() { return document.getElementById("mention-list"); }
  function noteMode() { var r = document.getElementById("kind-internal"); return r && r.checked; }
  function options() { return Array.from(list().querySelectorAll("[role=option]:not([aria-disabled])")); }
  function isOpen() { var l = list(); return l && !l.hidden; }

  // What is typed after an "@" before the caret (null: not in a mention), as the desk reads it.
  function typedMention(text, caret) {
    var before = text.slice(0, caret);
    var at = before.lastIndexOf("@");
    if (at === -1) return null;
    if (at > 0 && /[\p{L}\p{N}._-]/u.test(before.charAt(at - 1))) return null;
    var typed = before.slice(at + 1);
    if (typed.length > 60 || typed.indexOf("\n") !== -1) return null;
    return { at: at, typed: typed };
  }

  function close() {
    var l = list(), b = box();
    if (!l || !b) return;
    l.hidden = true;
    l.innerHTML = "";
    b.setAttribute("aria-expanded", "false");
    b.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var all = options();
    if (!all.length) return;
    index = (index + all.length) % all.length;
    all.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === index ? "true" : "false");
      o.classList.toggle("active", i === index);
    });
    box().setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function current() {
    return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function pick(option) {
    var b = box();
    var found = typedMention(b.value, b.selectionStart);
    if (!found || !option) { close(); return; }
    var insert = "@" + option.dataset.name + " ";
    b.value = b.value.slice(0, found.at) + insert + b.value.slice(b.selectionStart);
    var caret = found.at + insert.length;
    b.setSelectionRange(caret, caret);
    close();
    b.focus();
  }

  function ask() {
    var b = box(), l = list();
    if (!b || !l || !noteMode()) { close(); return; }
    var found = typedMention(b.value, b.selectionStart);
    if (!found) { close(); return; }
    var ticket = ++asked;
    var url = b.dataset.mentionUrl + "?q=" + encodeURIComponent(found.typed);
    window.fetch(url, { credentials: "same-origin", headers: { "X-CareDesk-Background": "1" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (ticket !== asked || !html) return;
        l.innerHTML = html;
        l.hidden = false;
        b.setAttribute("aria-expanded", "true");
        if (options().length) highlight(0); else b.removeAttribute("aria-activedescendant");
      })
      .catch(close);
  }

  document.addEventListener("input", function (e) {
    if (e.target !== box() || !box().dataset.mentionUrl) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 120);
  });

  // Capture: runs before the desk's shortcuts (which blur the box on Escape).
  document.addEventListener("keydown", function (e) {
    if (e.target !== box() || !isOpen()) return;
    var handled = true;
    switch (e.key) {
      case "ArrowDown": highlight(current() + 1); break;
      case "ArrowUp": highlight(current() - 1); break;
      case "Enter": case "Tab":
        if (options().length && current() >= 0) pick(options()[current()]); else handled = false;
        if (!handled) close();
        break;
      case "Escape": close(); break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  }, true);

  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest && e.target.closest("#mention-list [role=option]:not([aria-disabled])");
    if (option) { e.preventDefault(); pick(option); }
  });
  document.addEventListener("focusout", function (e) {
    if (e.target === box()) window.setTimeout(close, 150);
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.name === "kind") close();
  });
})();
