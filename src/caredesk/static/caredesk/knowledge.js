// The reply box's help-article picker: a chosen article's public link goes into the reply at
// the cursor. Arrow keys move from the search box through the results; Enter inserts.
(function () {
  "use strict";
  function reply() { return document.getElementById("id_body"); }
  function insert(text) {
    var box = reply();
    if (!box) { return; }
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || start;
    var before = box.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    box.value = before + spacer + text + box.value.slice(end);
    var at = (before + spacer + text).length;
    box.focus();
    box.setSelectionRange(at, at);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) { return; }
    event.preventDefault();
    insert(button.getAttribute("data-kb-insert"));
    var picker = document.getElementById("kb-insert");
    if (picker) { picker.open = false; }
  });
  document.addEventListener("keydown", function (event) {
    var inPicker = event.target.closest && event.target.closest("#kb-insert");
    if (!inPicker || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
    var items = Array.prototype.slice.call(document.querySelectorAll("#kb-pick-results [data-kb-insert]"));
    if (!items.length) { return; }
    var search = document.getElementById("kb-pick-q");
    var at = items.indexOf(event.target);
    event.preventDefault();
    if (event.key === "ArrowDown") {
      items[Math.min(at + 1, items.length - 1)].focus();
    } else if (at <= 0) {
      search.focus();
    } else {
      items[at - 1].focus();
    }
  });
})();
