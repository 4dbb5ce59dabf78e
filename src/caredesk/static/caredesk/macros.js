// Macros in the reply box: `m` (or the Macros button) opens the picker; type to filter, arrow
// keys choose and preview, Enter inserts. The composer then sends through the macro's address,
// so its actions (status, level, tags) are carried out with the message. No inline scripts (CSP).
(function () {
  "use strict";
  var dialog, listPane, previewPane, insertBtn, filter, previewUrl = null, timer = null;
  var composer, originalAction = null;

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function get(url) {
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }
  function options() {
    return Array.from(listPane.querySelectorAll("[role=option]")).filter(function (o) { return !o.hidden; });
  }
  function highlighted() { return listPane.querySelector("[role=option][aria-selected=true]"); }
  function highlight(option) {
    listPane.querySelectorAll("[role=option]").forEach(function (o) { o.setAttribute("aria-selected", "false"); });
    if (!option) { if (filter) filter.removeAttribute("aria-activedescendant"); return; }
    option.setAttribute("aria-selected", "true");
    option.scrollIntoView({ block: "nearest" });
    if (filter) filter.setAttribute("aria-activedescendant", option.id);
    clearTimeout(timer);
    timer = setTimeout(function () { showPreview(option.dataset.preview); }, 120);
  }
  function showPreview(url) {
    if (url === previewUrl) return;
    previewUrl = url;
    insertBtn.disabled = true;
    get(url).then(function (html) {
      if (url !== previewUrl) return;
      previewPane.innerHTML = html;
      insertBtn.disabled = false;
    }).catch(function () {
      previewPane.innerHTML = "<p class='alert alert-error'>The preview could not be loaded. Try again.</p>";
    });
  }
  function applyFilter() {
    var words = filter.value.trim().toLowerCase();
    var all = Array.from(listPane.querySelectorAll("[role=option]"));
    all.forEach(function (o) { o.hidden = words !== "" && o.dataset.name.indexOf(words) === -1; });
    var none = listPane.querySelector("[data-macro-none]");
    var shown = options();
    if (none) none.hidden = shown.length > 0;
    var current = highlighted();
    if (!current || current.hidden) highlight(shown[0] || null);
  }
  function move(step) {
    var shown = options();
    if (!shown.length) return;
    var i = shown.indexOf(highlighted());
    highlight(shown[Math.max(0, Math.min(shown.length - 1, i + step))]);
  }
  function open() {
    var link = document.getElementById("macro-link");
    dialog = document.getElementById("macro-dialog");
    if (!link || !dialog || !dialog.showModal) return false;
    listPane = dialog.querySelector("[data-macro-list]");
    previewPane = dialog.querySelector("[data-macro-preview-pane]");
    insertBtn = dialog.querySelector("[data-macro-insert]");
    previewUrl = null;
    get(link.href).then(function (html) {
      listPane.innerHTML = html;
      filter = listPane.querySelector("[data-macro-filter]");
      if (!dialog.open) dialog.showModal();
      if (filter) { filter.value = ""; filter.focus(); }
      applyFilter();
    }).catch(function () { window.location.href = link.href; });
    return true;
  }
  function insert() {
    var pane = previewPane.querySelector("[data-macro-preview]");
    var body = document.getElementById("id_body");
    composer = document.getElementById("composer");
    if (!pane || !body || !composer) return;
    var text = pane.querySelector("[data-macro-text]").textContent;
    body.value = body.value.trim() ? body.value.replace(/\s+$/, "") + "\n\n" + text : text;
    var radio = document.getElementById("kind-" + pane.dataset.kind);
    if (radio) radio.checked = true;
    if (originalAction === null) originalAction = composer.getAttribute("action");
    composer.setAttribute("action", pane.dataset.apply);
    var chip = document.getElementById("macro-chip");
    var actions = pane.querySelector(".macro-actions");
    var unknown = pane.querySelector("[data-macro-unknown]");
    chip.querySelector("[data-macro-chip-text]").textContent = "Macro “" + pane.dataset.name + "”" +
      (actions ? ". " + actions.textContent.trim() : "") +
      (unknown ? " Unfilled placeholders remain in the text." : "");
    chip.classList.toggle("macro-chip-warn", !!unknown);
    chip.hidden = false;
    dialog.close();
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
  }
  function removeMacro() {
    composer = document.getElementById("composer");
    if (composer && originalAction !== null) composer.setAttribute("action", originalAction);
    originalAction = null;
    document.getElementById("macro-chip").hidden = true;
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) return;
    if (t.closest("[data-macro-open]")) { if (open()) e.preventDefault(); return; }
    if (t.closest("[data-macro-insert]")) { insert(); return; }
    if (t.closest("[data-macro-remove]")) { removeMacro(); return; }
    var option = t.closest("#macro-dialog [role=option]");
    if (option) { e.preventDefault(); highlight(option); showPreview(option.dataset.preview); }
  });
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("#macro-dialog [data-macro-filter]")) applyFilter();
  });
  document.addEventListener("submit", function (e) {
    if (e.target.closest && e.target.closest("#macro-dialog .macro-filter")) { e.preventDefault(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var d = document.getElementById("macro-dialog");
    if (d && d.open) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Enter" && !(e.target.closest && e.target.closest(".macro-dialog-foot"))) {
        e.preventDefault();
        var current = highlighted();
        if (current && previewUrl === current.dataset.preview && !insertBtn.disabled) insert();
        else if (current) { clearTimeout(timer); showPreview(current.dataset.preview); }
      }
      return;
    }
    if (e.key === "m" && !typing(e.target) && document.getElementById("macro-link")) {
      if (open()) e.preventDefault();
    }
  });
})();
