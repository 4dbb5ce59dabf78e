// The device check at /help/check/: browser, system, screen, cookies, camera, microphone,
// WebRTC and the network, each shown as passed / warning / failed with what to do about it.
// The camera and microphone are only opened when the visitor presses the test button.
// Thresholds come from the page (selfserve/checks.py), so the server and this file agree.
(function () {
  "use strict";
  var list = document.getElementById("checks");
  var source = document.getElementById("check-thresholds");
  if (!list || !source) return;
  var T = JSON.parse(source.textContent);
  var ORDER = Array.prototype.map.call(list.querySelectorAll("[data-check]"), function (li) {
    return li.dataset.check;
  });
  var STATUS_WORDS = { pass: "Passed", warn: "Warning", fail: "Failed", skip: "Not run", pending: "Checking…" };
  var ICONS = { pass: "✓", warn: "!", fail: "✕", skip: "–", pending: "…" };
  var results = {};
  var progress = document.getElementById("check-progress");
  var hidden = document.getElementById("diagnostics-results");
  var form = document.getElementById("report-form");
  var csrf = form ? form.querySelector("[name=csrfmiddlewaretoken]").value : "";
  var running = false;

  // --- showing results ------------------------------------------------------------------------

  function save() {
    var checks = ORDER.filter(function (id) { return results[id]; }).map(function (id) {
      return { id: id, status: results[id].status, detail: results[id].detail };
    });
    if (hidden) hidden.value = checks.length ? JSON.stringify({ version: 1, checks: checks }) : "";
  }

  function show(id, status, detail, fix) {
    var li = document.getElementById("check-" + id);
    if (!li) return;
    li.className = "check check-" + status;
    li.querySelector(".check-icon").textContent = ICONS[status];
    li.querySelector(".check-status").textContent = STATUS_WORDS[status];
    li.querySelector(".check-detail").textContent = detail;
    var box = li.querySelector(".check-fix");
    box.textContent = "";
    var steps = status === "pass" || status === "pending" ? [] : fix || [];
    if (steps.length) {
      var head = document.createElement("p");
      head.className = "check-fix-head";
      head.textContent = "What to do:";
      var ol = document.createElement("ol");
      steps.forEach(function (step) {
        var item = document.createElement("li");
        item.textContent = step;
        ol.appendChild(item);
      });
      box.appendChild(head);
      box.appendChild(ol);
    }
    box.hidden = steps.length === 0;
    if (status !== "pending") {
      results[id] = { status: status, detail: detail.slice(0, 200) };
      save();
    }
  }

  function say(text, state) {
    if (!progress) return;
    progress.textContent = text;
    progress.className = "check-progress" + (state ? " check-progress-" + state : "");
  }

  function summarize() {
    var counts = { pass: 0, warn: 0, fail: 0 };
    ORDER.forEach(function (id) {
      if (results[id] && results[id].status in counts) counts[results[id].status] += 1;
    });
    if (!counts.fail && !counts.warn) {
      say("Checks finished: everything passed. This device is ready for a video visit.", "pass");
    } else {
      var parts = [];
      if (counts.fail) parts.push(counts.fail + " failed");
      if (counts.warn) parts.push(counts.warn + (counts.warn > 1 ? " warnings" : " warning"));
      if (counts.pass) parts.push(counts.pass + " passed");
      say("Checks finished: " + parts.join(", ") + ". See what to do under each one.",
        counts.fail ? "fail" : "warn");
    }
  }

  // --- browser and system -------------------------------------------------------------------------

  var BRAND_NAMES = { "Google Chrome": "Chrome", "Microsoft Edge": "Edge", "Opera": "Opera", "Samsung Internet": "Samsung Internet", "Chromium": "Chromium" };

  function fromUserAgent(ua) {
    var rules = [
      ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
      ["Opera", /OPR\/(\d+)/],
      ["Samsung Internet", /SamsungBrowser\/(\d+)/],
      ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
      ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
      ["Safari", /Version\/(\d+(?:\.\d+)?).*Safari/],
    ];
    for (var i = 0; i < rules.length; i++) {
      var m = ua.match(rules[i][1]);
      if (m) return { name: rules[i][0], version: m[1] };
    }
    return { name: "", version: "" };
  }

  function systemFromUserAgent(ua) {
    var m;
    if ((m = ua.match(/(?:iPhone|iPad|iPod).*? OS (\d+)[_.](\d+)/))) return "iOS " + m[1] + "." + m[2];
    if ((m = ua.match(/Android (\d+(?:\.\d+)?)/))) return "Android " + m[1];
    if (/CrOS/.test(ua)) return "ChromeOS";
    if ((m = ua.match(/Windows NT (\d+\.\d+)/))) {
      var names = { "10.0": "Windows 10 or 11", "6.3": "Windows 8.1", "6.2": "Windows 8", "6.1": "Windows 7" };
      return names[m[1]] || "Windows";
    }
    if ((m = ua.match(/Mac OS X (\d+)[_.](\d+)/))) return "macOS " + m[1] + "." + m[2];
    if (/Linux/.test(ua)) return "Linux";
    return "";
  }

  function identify() {
    var ua = navigator.userAgent || "";
    var uad = navigator.userAgentData;
    var info = { name: "", version: "", system: "", mobile: /Mobi|Android|iPhone|iPad/.test(ua) };
    if (uad && uad.brands && uad.brands.length) {
      var brands = uad.brands.filter(function (b) { return !/not.?a.?brand/i.test(b.brand); });
      var pick = brands.filter(function (b) { return b.brand !== "Chromium"; })[0] || brands[0];
      if (pick) {
        info.name = BRAND_NAMES[pick.brand] || pick.brand;
        info.version = pick.version;
      }
      info.mobile = !!uad.mobile;
      info.system = uad.platform || "";
      if (!uad.getHighEntropyValues) return Promise.resolve(fill(info, ua));
      return uad.getHighEntropyValues(["platformVersion"]).then(function (hi) {
        var major = parseInt((hi.platformVersion || "").split(".")[0], 10);
        if (info.system === "Windows" && !isNaN(major)) {
          info.system = major >= 13 ? "Windows 11" : major > 0 ? "Windows 10" : "Windows 8.1 or older";
        } else if (info.system === "macOS" && hi.platformVersion) {
          info.system = "macOS " + hi.platformVersion.split(".").slice(0, 2).join(".");
        } else if (info.system === "Android" && hi.platformVersion) {
          info.system = "Android " + hi.platformVersion.split(".")[0];
        }
        return fill(info, ua);
      }, function () { return fill(info, ua); });
    }
    return Promise.resolve(fill(info, ua));
  }

  function fill(info, ua) {
    if (!info.name) {
      var found = fromUserAgent(ua);
      info.name = found.name;
      info.version = found.version;
    }
    if (!info.system) info.system = systemFromUserAgent(ua);
    if (/iPhone|iPad|iPod/.test(ua)) info.system = systemFromUserAgent(ua) || info.system;
    return info;
  }

  function checkBrowser(info) {
    var minimum = T.min_versions[info.name === "Chromium" ? "Chrome" : info.name];
    var named = info.name ? (info.name + " " + info.version).trim() : "An unrecognised browser";
    if (!info.name || !minimum) {
      show("browser", "warn", named, [
        "Video visits are tested with Chrome, Edge, Firefox and Safari. If the visit does not work, open the link in one of them.",
      ]);
    } else if (parseFloat(info.version) < minimum) {
      show("browser", "warn", named + " (older than " + info.name + " " + minimum + ")", [
        "Update " + info.name + ": open its menu, then Help or About, and install the update it offers.",
        "Restart the browser and run this check again.",
      ]);
    } else {
      show("browser", "pass", named);
    }
    if (info.system) {
      show("os", "pass", info.system + (info.mobile ? " (mobile)" : ""));
    } else {
      show("os", "warn", "Not recognised", ["No action needed unless the visit fails; then tell us which device you use."]);
    }
  }

  function checkScreen() {
    var ratio = Math.round((window.devicePixelRatio || 1) * 100) / 100;
    var detail = screen.width + " × " + screen.height + " pixels, pixel ratio " + ratio +
      ", window " + window.innerWidth + " × " + window.innerHeight;
    if (Math.min(screen.width, screen.height) > 0 && screen.width < T.min_screen_width) {
      show("screen", "warn", detail, ["Turn the device sideways, or use a device with a larger screen for the visit."]);
    } else {
      show("screen", "pass", detail);
    }
  }

  function checkCookies() {
    if (navigator.cookieEnabled) {
      show("cookies", "pass", "Allowed");
    } else {
      show("cookies", "fail", "Blocked", [
        "Allow cookies for this site in your browser's privacy settings: signing in and sending a request need them.",
        "Reload this page.",
      ]);
    }
  }

  // --- camera and microphone --------------------------------------------------------------------

  var who = null; // identify()'s answer, for the per-browser steps

  function allowSteps(thing) {
    var name = who ? who.name : "";
    var system = who ? who.system : "";
    var steps;
    if (/^iOS/.test(system)) {
      steps = [
        "Open the Settings app, then Safari (or the browser you use), then " + thing + ".",
        "Choose Allow or Ask, come back and reload this page.",
      ];
    } else if (/^Android/.test(system)) {
      steps = [
        "Tap the icon at the left of the address bar, then Permissions.",
        "Allow the " + thing.toLowerCase() + ", then reload this page.",
        "Still blocked? Open Android Settings › Apps › " + (name || "your browser") + " › Permissions and allow the " + thing.toLowerCase() + ".",
      ];
    } else if (name === "Firefox") {
      steps = [
        "Click the crossed-out " + thing.toLowerCase() + " icon in the address bar.",
        "Clear the “Blocked” permission, reload this page and choose Allow when asked.",
      ];
    } else if (name === "Safari") {
      steps = [
        "In the Safari menu choose Settings for This Website (or Settings › Websites › " + thing + ").",
        "Set " + thing + " to Allow, then reload this page.",
      ];
    } else {
      steps = [
        "Click the " + thing.toLowerCase() + " icon or the site settings icon at the left of the address bar.",
        "Set " + thing + " to Allow, then reload this page.",
      ];
    }
    if (/^macOS/.test(system)) {
      steps.push("Also check System Settings › Privacy & Security › " + thing + ": your browser must be switched on there.");
    } else if (/^Windows/.test(system)) {
      steps.push("Also check Windows Settings › Privacy & security › " + thing + ": access for apps and desktop apps must be on.");
    }
    return steps;
  }

  function permissionState(name) {
    if (!navigator.permissions || !navigator.permissions.query) return Promise.resolve({ state: "unknown" });
    return navigator.permissions.query({ name: name }).then(function (status) {
      return status;
    }, function () { return { state: "unknown" }; });
  }

  function deviceCounts() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return Promise.resolve(null);
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      var counts = { videoinput: 0, audioinput: 0 };
      devices.forEach(function (d) { if (d.kind in counts) counts[d.kind] += 1; });
      return counts;
    }, function () { return null; });
  }

  var MEDIA = [
    { id: "camera", thing: "Camera", kind: "videoinput", permission: "camera" },
    { id: "microphone", thing: "Microphone", kind: "audioinput", permission: "microphone" },
  ];
  var tested = {}; // what the test button found, which wins over the permission state

  function showMedia(m, state, counts) {
    if (tested[m.id]) return;
    var noun = m.thing.toLowerCase();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show(m.id, "fail", "This browser cannot use a " + noun + " here", [
        "Open this page in an up-to-date Chrome, Edge, Firefox or Safari.",
      ]);
    } else if (counts && counts[m.kind] === 0) {
      show(m.id, "fail", "No " + noun + " found", [
        "Connect a " + noun + ", or check that it is switched on.",
        "Reload this page and run the check again.",
      ]);
    } else if (state === "granted") {
      show(m.id, "pass", "Allowed for this site");
    } else if (state === "denied") {
      show(m.id, "fail", "Blocked for this site", allowSteps(m.thing));
    } else if (state === "prompt") {
      show(m.id, "warn", "Not allowed yet: your browser will ask", [
        "When your browser asks to use the " + noun + ", choose Allow.",
        "To try it now, press “Test camera and microphone”.",
      ]);
    } else {
      show(m.id, "warn", "Not tested yet", ["Press “Test camera and microphone” to try it."]);
    }
  }

  function checkMedia() {
    return deviceCounts().then(function (counts) {
      return Promise.all(MEDIA.map(function (m) {
        return permissionState(m.permission).then(function (status) {
          showMedia(m, status.state, counts);
          if (status && "onchange" in status) {
            status.onchange = function () { delete tested[m.id]; checkMedia(); };
          }
        });
      }));
    });
  }

  function mediaFailure(m, err) {
    var name = err && err.name;
    var noun = m.thing.toLowerCase();
    tested[m.id] = true;
    if (name === "NotAllowedError" || name === "SecurityError") {
      show(m.id, "fail", "Blocked: the browser did not allow the " + noun, allowSteps(m.thing));
    } else if (name === "NotFoundError" || name === "OverconstrainedError") {
      show(m.id, "fail", "No " + noun + " found", [
        "Connect a " + noun + ", or check that it is switched on.",
        "Reload this page and try again.",
      ]);
    } else if (name === "NotReadableError" || name === "AbortError") {
      show(m.id, "fail", "The " + noun + " is in use or not answering", [
        "Close other apps that may use it (video calls, camera apps), then try again.",
        "Still failing? Restart the device.",
      ]);
    } else {
      show(m.id, "fail", "Could not start the " + noun + (name ? " (" + name + ")" : ""), [
        "Reload this page and try again; if it keeps failing, restart the browser.",
      ]);
    }
  }

  function open(constraints) { return navigator.mediaDevices.getUserMedia(constraints); }

  function stop(stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }

  function trackName(stream, kind) {
    var track = stream.getTracks().filter(function (t) { return t.kind === kind; })[0];
    return track && track.label ? track.label.slice(0, 80) : "";
  }

  function testMedia() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      MEDIA.forEach(function (m) { tested[m.id] = false; showMedia(m, "unknown", null); });
      return Promise.resolve();
    }
    say("Testing the camera and microphone… If your browser asks, choose Allow.");
    MEDIA.forEach(function (m) { tested[m.id] = false; show(m.id, "pending", "Testing…"); });
    var each = MEDIA.map(function (m) {
      var constraints = m.id === "camera" ? { video: true } : { audio: true };
      return open(constraints).then(function (stream) {
        var label = trackName(stream, m.id === "camera" ? "video" : "audio");
        stop(stream);
        tested[m.id] = true;
        show(m.id, "pass", "Works" + (label ? ": " + label : ""));
      }, function (err) { mediaFailure(m, err); });
    });
    return Promise.all(each).then(summarize);
  }

  // --- WebRTC -----------------------------------------------------------------------------------

  function checkWebRTC() {
    var PC = window.RTCPeerConnection;
    if (!PC) {
      show("webrtc", "fail", "Not supported by this browser", [
        "Update your browser, or use an up-to-date Chrome, Edge, Firefox or Safari.",
        "Some privacy extensions turn WebRTC off: allow it for this site.",
      ]);
      return Promise.resolve();
    }
    var pc;
    try {
      pc = new PC();
      pc.createDataChannel("check");
    } catch (e) {
      show("webrtc", "fail", "Turned off in this browser", ["A privacy setting or extension blocks WebRTC: allow it for this site."]);
      return Promise.resolve();
    }
    return pc.createOffer().then(function (offer) {
      pc.close();
      if (offer && /^v=0/.test(offer.sdp || "")) {
        show("webrtc", "pass", "Supported");
      } else {
        show("webrtc", "fail", "The browser could not prepare a call", ["Update the browser and try again."]);
      }
    }, function () {
      pc.close();
      show("webrtc", "fail", "The browser could not prepare a call", [
        "A privacy setting or extension may block WebRTC: allow it for this site.",
        "Update the browser and try again.",
      ]);
    });
  }

  // --- network ----------------------------------------------------------------------------------

  function Limited(seconds) { this.seconds = seconds; }

  function timed(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, T.timeout_ms) : null;
    var opts = Object.assign({ cache: "no-store", credentials: "same-origin" }, options || {});
    if (controller) opts.signal = controller.signal;
    var start = performance.now();
    return fetch(url, opts).then(function (response) {
      if (response.status === 429) {
        throw new Limited(parseInt(response.headers.get("Retry-After") || "60", 10));
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer().then(function (body) {
        clearTimeout(timer);
        return { ms: performance.now() - start, bytes: body.byteLength };
      });
    }, function (err) { clearTimeout(timer); throw err; });
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  function mbps(bytes, ms) { return (bytes * 8) / (ms / 1000) / 1e6; }

  function grade(value, warnBelow, failBelow) {
    return value >= warnBelow ? "pass" : value >= failBelow ? "warn" : "fail";
  }

  var SLOW_STEPS = [
    "Move closer to your Wi-Fi router, or connect with a cable.",
    "Pause downloads, streaming and other video calls on this network.",
    "Still slow? Try another network, for example your phone's mobile data.",
  ];

  function pingAll() {
    var url = list.dataset.pingUrl;
    var times = [];
    var chain = timed(url + "?warm=1"); // the first request opens the connection: not counted
    for (var i = 0; i < T.ping_count; i++) {
      chain = chain.then(function () {
        return timed(url + "?n=" + Math.random()).then(function (r) { times.push(r.ms); });
      });
    }
    return chain.then(function () {
      var ms = Math.round(median(times));
      var status = ms <= T.rtt_warn_ms ? "pass" : ms <= T.rtt_fail_ms ? "warn" : "fail";
      show("rtt", status, ms + " ms (median of " + times.length + ")", SLOW_STEPS);
    });
  }

  function download() {
    var url = list.dataset.payloadUrl + "?bytes=";
    var first = 256 * 1024;
    return timed(url + first).then(function (r) {
      var speed = mbps(r.bytes, r.ms);
      if (r.ms >= 500) return speed;
      var next = Math.min(T.max_payload_bytes, Math.max(first, Math.round((speed * 1e6) / 8)));
      return timed(url + next).then(function (r2) { return mbps(r2.bytes, r2.ms); });
    }).then(function (speed) {
      var status = grade(speed, T.down_warn_mbps, T.down_fail_mbps);
      show("download", status, speed.toFixed(1) + " Mbit/s", SLOW_STEPS);
    });
  }

  function randomBlob(size) {
    var bytes = new Uint8Array(size);
    for (var i = 0; i < size; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    }
    return new Blob([bytes], { type: "application/octet-stream" });
  }

  function sendOnce(size) {
    return timed(list.dataset.uploadUrl, {
      method: "POST",
      body: randomBlob(size),
      headers: { "Content-Type": "application/octet-stream", "X-CSRFToken": csrf },
    }).then(function (r) { return mbps(size, r.ms); });
  }

  function uploadTest() {
    var first = 256 * 1024;
    var started = performance.now();
    return sendOnce(first).then(function (speed) {
      if (performance.now() - started >= 500) return speed;
      var next = Math.min(T.max_upload_bytes, Math.max(first, Math.round((speed * 1e6) / 8)));
      return sendOnce(next);
    }).then(function (speed) {
      var status = grade(speed, T.up_warn_mbps, T.up_fail_mbps);
      show("upload", status, speed.toFixed(1) + " Mbit/s", SLOW_STEPS);
    });
  }

  function networkFailed(ids, err) {
    ids.forEach(function (id) {
      if (results[id] && document.getElementById("check-" + id).className.indexOf("pending") < 0) return;
      if (err instanceof Limited) {
        show(id, "skip", "Not run: the check ran too often", ["Wait " + err.seconds + " seconds, then press “Run the checks again”."]);
      } else if (err && err.name === "AbortError") {
        show(id, "fail", "No answer within " + Math.round(T.timeout_ms / 1000) + " seconds", SLOW_STEPS);
      } else {
        show(id, "fail", "Could not reach the support site", [
          "Check that you are connected to the internet.",
          "A firewall, VPN or security software may block it: try without the VPN or on another network.",
        ]);
      }
    });
  }

  function checkNetwork() {
    var ids = ["rtt", "download", "upload"];
    ids.forEach(function (id) { show(id, "pending", "Measuring…"); delete results[id]; });
    return pingAll()
      .then(download)
      .then(uploadTest)
      .catch(function (err) { networkFailed(ids, err); });
  }

  // --- running -----------------------------------------------------------------------------------

  function runAll() {
    if (running) return Promise.resolve();
    running = true;
    say("Checking your browser, camera, microphone and connection…");
    return identify().then(function (info) {
      who = info;
      checkBrowser(info);
      checkScreen();
      checkCookies();
      return checkMedia();
    }).then(checkWebRTC).then(checkNetwork).then(function () {
      summarize();
      list.dataset.done = "true";
    }, function () {
      say("The checks stopped early. Reload this page to try again.");
    }).then(function () { running = false; });
  }

  document.getElementById("run-checks").addEventListener("click", function () { runAll(); });
  document.getElementById("test-media").addEventListener("click", function () {
    var button = this;
    button.disabled = true;
    testMedia().then(function () { button.disabled = false; button.focus(); });
  });
  runAll();
})();
