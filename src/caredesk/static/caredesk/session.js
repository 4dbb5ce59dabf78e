// Warns before the session ends for inactivity and offers to stay signed in. No inline scripts (CSP).
// The check runs in the background (X-CareDesk-Background), so asking does not count as activity;
// "Stay signed in" asks without that header, which does.
(function () {
  "use strict";
  var WARN_SECONDS = 120;
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) return;
  var minutes = box.querySelector("[data-minutes]");
  var stay = box.querySelector("[data-stay]");
  var timer = null;

  function signIn() {
    var next = window.location.pathname + window.location.search;
    window.location.assign(box.dataset.loginUrl + "?next=" + encodeURIComponent(next));
  }
  function show(left) {
    var m = Math.max(1, Math.ceil(left / 60));
    minutes.textContent = m + (m === 1 ? " minute" : " minutes");
    box.hidden = false;
  }
  function schedule(left) {
    window.clearTimeout(timer);
    if (left <= 0) { signIn(); return; }
    if (left <= WARN_SECONDS) {
      show(left);
      timer = window.setTimeout(check, Math.min(left, 30) * 1000);
    } else {
      box.hidden = true;
      timer = window.setTimeout(check, (left - WARN_SECONDS) * 1000);
    }
  }
  function check(activity) {
    var headers = activity === true ? {} : { "X-CareDesk-Background": "1" };
    return window.fetch(box.dataset.statusUrl, { headers: headers, credentials: "same-origin" })
      .then(function (r) { return r.status === 401 ? { seconds_left: 0 } : r.json(); })
      .then(function (data) { schedule(Number(data.seconds_left) || 0); })
      .catch(function () { timer = window.setTimeout(check, 30000); });
  }
  stay.addEventListener("click", function () { check(true); });
  // Back at this tab: another tab may have kept the session alive, or the time has run out.
  window.addEventListener("focus", function () { check(false); });
  schedule(Number(box.dataset.secondsLeft) || 0);
})();
