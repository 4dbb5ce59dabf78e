// Bulk actions on a queue: tick rows (click, shift-click for a range, `x` for the highlighted
// row), then apply the bar's changes to the selection. The form works without this script.
(function () {
  "use strict";
  var last = null;
  function boxes() { return Array.from(document.querySelectorAll("input[name=ticket][form=bulk-form]")); }
  function update() {
    var list = boxes();
    var n = list.filter(function (b) { return b.checked; }).length;
    list.forEach(function (b) { var row = b.closest("tr"); if (row) row.classList.toggle("picked", b.checked); });
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = n ? n + " ticket" + (n === 1 ? "" : "s") + " selected" : "Selected tickets";
    var bar = document.getElementById("bulk-form");
    if (bar) bar.classList.toggle("has-selection", n > 0);
    var all = document.getElementById("pick-all");
    if (all) {
      all.hidden = false;
      all.checked = n > 0 && n === list.length;
      all.indeterminate = n > 0 && n < list.length;
    }
  }
  function toggle(box, checked) { box.checked = checked; last = box; update(); }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) return;
    if (t.id === "pick-all") { boxes().forEach(function (b) { b.checked = t.checked; }); update(); return; }
    var box = t.closest("input[name=ticket][form=bulk-form]");
    if (box) {
      var list = boxes();
      if (e.shiftKey && last && last !== box && list.indexOf(last) >= 0) {
        var a = list.indexOf(last), b = list.indexOf(box);
        for (var i = Math.min(a, b); i <= Math.max(a, b); i++) list[i].checked = box.checked;
      }
      last = box;
      update();
      return;
    }
    var cell = t.closest("[data-keyboard-list] td.pick");
    if (cell) {
      var inner = cell.querySelector("input[name=ticket]");
      if (inner) { inner.dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: e.shiftKey })); }
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "x" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var onBox = t && t.matches && t.matches("input[name=ticket]");
    if (!onBox && t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var row = (t && t.closest && t.closest("[data-keyboard-list] tbody tr")) ||
      document.querySelector("[data-keyboard-list] tbody tr.selected");
    var box = row && row.querySelector("input[name=ticket]");
    if (!box) return;
    e.preventDefault();
    toggle(box, !box.checked);
  });
  document.addEventListener("submit", function (e) {
    if (e.target.id !== "bulk-form") return;
    if (!boxes().some(function (b) { return b.checked; })) {
      e.preventDefault();
      var count = document.querySelector("[data-bulk-count]");
      if (count) count.textContent = "Tick at least one ticket first";
    }
  });
  // Enter in "Merge selected into" merges (it would otherwise apply the bar's changes)
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !e.target || e.target.id !== "bulk-merge-into") return;
    var merge = document.getElementById("bulk-merge");
    if (!merge) return;
    e.preventDefault();
    merge.click();
  });
  document.addEventListener("htmx:afterSwap", function () { last = null; update(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
