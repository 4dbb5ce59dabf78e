// CareDesk live chat widget. Embed on any page:
//   <script src="https://desk.example/static/caredesk/chat-widget.js"
//           data-caredesk="https://desk.example" defer></script>
// It adds a "Chat with us" button and a chat panel. While chat is closed (outside chat hours or
// with nobody available) the panel offers a message form instead, answered by email.
// Lines carry an id made here; the desk acknowledges each one, and whatever was not
// acknowledged is sent again after a reconnect (the desk writes a line once, whatever the
// repeats). The chat survives a page reload in the same tab (sessionStorage).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.caredeskChatLoaded) return;
  window.caredeskChatLoaded = true;
  var base = (script.dataset.caredesk || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var wsBase = base.replace(/^http/, "ws");
  var heading = script.dataset.title || "Chat with us";
  var storeKey = "caredesk-chat:" + base;
  var state = load();
  var socket = null;
  var closing = false;
  var retry = 0;
  var seen = {};
  var lastSeen = 0;  // the newest line shown: a reconnect asks only for what came after it
  var typingSentAt = 0;
  var typingIdle = null;
  var typingHide = null;
  var decided = false;
  var ended = false;
  var pinger = null;
  var agentName = state.agent || "";

  function load() {
    try {
      var s = JSON.parse(sessionStorage.getItem(storeKey) || "{}");
      s.outbox = Array.isArray(s.outbox) ? s.outbox : [];
      return s;
    } catch (e) { return { outbox: [] }; }
  }
  function save() {
    try { sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function forget() {
    state = { outbox: [] };
    seen = {};
    lastSeen = 0;
    agentName = "";
    try { sessionStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  }

  // -- building the panel ---------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (attrs[k] === true) node.setAttribute(k, "");
      else if (attrs[k] !== false && attrs[k] != null) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function field(id, label, input) {
    input.id = id;
    var error = el("p", { id: id + "-error", "class": "cdw-error", hidden: true });
    input.setAttribute("aria-describedby", id + "-error");
    return el("div", { "class": "cdw-field" }, [el("label", { "for": id, text: label }), error, input]);
  }

  var css = el("link", { rel: "stylesheet", href: base + "/static/caredesk/chat-widget.css" });
  document.head.appendChild(css);

  var launcher = el("button", {
    type: "button", "class": "cdw-launcher", "aria-haspopup": "dialog",
    "aria-expanded": "false", "aria-controls": "cdw-panel", text: heading,
  });
  var closeButton = el("button", { type: "button", "class": "cdw-close", "aria-label": "Close chat", text: "×" });
  var status = el("p", { "class": "cdw-status", role: "status", "aria-live": "polite" });

  var startForm = el("form", { "class": "cdw-form", novalidate: true, "aria-label": "Start a chat" }, [
    el("p", { "class": "cdw-intro", text: "Tell us who you are and what you need; an agent will answer here." }),
    field("cdw-name", "Your name", el("input", { name: "name", autocomplete: "name", maxlength: "200", required: true })),
    field("cdw-email", "Email", el("input", { name: "email", type: "email", autocomplete: "email", required: true })),
    field("cdw-first", "How can we help?", el("textarea", { name: "message", rows: "3", maxlength: "5000" })),
    el("p", { "class": "cdw-error cdw-form-error", role: "alert" }),
    el("button", { type: "submit", "class": "cdw-primary", text: "Start chat" }),
  ]);

  var log = el("ol", { "class": "cdw-log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  var typingLine = el("p", { "class": "cdw-typing", "aria-live": "polite" });
  var textBox = el("textarea", { rows: "2", maxlength: "5000" });
  var fileBox = el("input", { type: "file" });
  var composeError = el("p", { "class": "cdw-error", role: "alert" });
  var compose = el("form", { "class": "cdw-compose" }, [
    field("cdw-text", "Message", textBox),
    el("div", { "class": "cdw-row" }, [
      field("cdw-file", "Attach a file", fileBox),
      el("button", { type: "submit", "class": "cdw-primary", text: "Send" }),
    ]),
    composeError,
  ]);
  var endButton = el("button", { type: "button", "class": "cdw-link", text: "End chat" });
  var againButton = el("button", { type: "button", "class": "cdw-primary", text: "Start a new chat", hidden: true });
  var chatView = el("div", { "class": "cdw-chat" }, [log, typingLine, compose, el("div", { "class": "cdw-foot" }, [endButton, againButton])]);

  var offlineNote = el("p", { "class": "cdw-intro" });
  var offlineForm = el("form", { "class": "cdw-form", novalidate: true, "aria-label": "Leave a message" }, [
    offlineNote,
    field("cdw-off-name", "Your name", el("input", { name: "name", autocomplete: "name", maxlength: "200", required: true })),
    field("cdw-off-email", "Email", el("input", { name: "email", type: "email", autocomplete: "email", required: true })),
    field("cdw-off-message", "Your message", el("textarea", { name: "message", rows: "4", maxlength: "5000", required: true })),
    el("div", { "class": "cdw-hp", "aria-hidden": "true" }, [
      el("label", { "for": "cdw-website", text: "Leave this empty" }),
      el("input", { id: "cdw-website", name: "website", tabindex: "-1", autocomplete: "off" }),
    ]),
    el("input", { type: "hidden", name: "chat" }),
    el("p", { "class": "cdw-error cdw-form-error", role: "alert" }),
    el("button", { type: "submit", "class": "cdw-primary", text: "Send message" }),
  ]);
  var doneView = el("div", { "class": "cdw-done", tabindex: "-1" });

  var views = [startForm, chatView, offlineForm, doneView];
  var panel = el("section", {
    id: "cdw-panel", "class": "cdw-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "cdw-title", hidden: true,
  }, [
    el("div", { "class": "cdw-head" }, [el("h2", { id: "cdw-title", text: heading }), closeButton]),
    status,
    startForm, chatView, offlineForm, doneView,
  ]);
  var rootBox = el("div", { "class": "cdw-root" }, [panel, launcher]);
  document.body.appendChild(rootBox);

  function show(view) {
    views.forEach(function (v) { v.hidden = v !== view; });
    var first = view.querySelector("input:not([tabindex='-1']):not([type=file]), textarea");
    (first || view).focus();
  }

  // -- open and close -------------------------------------------------------------------

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (!decided) { decided = true; decide(); return; }
    var current = views.filter(function (v) { return !v.hidden; })[0];
    if (current) show(current);
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); close(); } });

  function decide() {
    views.forEach(function (v) { v.hidden = true; });
    if (state.token) { startChat(); return; }
    status.textContent = "Checking whether an agent is free…";
    fetch(base + "/chat/status", { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        status.textContent = "";
        if (s.open) show(startForm);
        else offline(s.message || s.detail);
      })
      .catch(function () { status.textContent = ""; offline("Chat is not reachable right now. Leave us a message instead."); });
  }

  function offline(message, who) {
    offlineNote.textContent = message;
    offlineForm.querySelector('[name="chat"]').value = (who && who.chat) || "";
    if (who) {
      offlineForm.querySelector('[name="name"]').value = who.name || "";
      offlineForm.querySelector('[name="email"]').value = who.email || "";
    }
    status.textContent = "";
    show(offlineForm);
  }

  // -- forms ----------------------------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll(".cdw-error").forEach(function (p) { p.textContent = ""; if (!p.classList.contains("cdw-form-error")) p.hidden = true; });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }
  function showErrors(form, body, names) {
    var first = null;
    Object.keys(body.errors || {}).forEach(function (key) {
      var input = form.querySelector('[name="' + (names[key] || key) + '"]');
      if (!input) return;
      var p = document.getElementById(input.id + "-error");
      p.textContent = body.errors[key].join(" ");
      p.hidden = false;
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    });
    form.querySelector(".cdw-form-error").textContent = body.detail || "Something went wrong. Try again.";
    if (first) first.focus();
  }
  function post(path, data) {
    return fetch(base + path, { method: "POST", body: data, credentials: "omit" }).then(function (r) {
      return r.json().catch(function () { return { detail: "The desk answered " + r.status + "." }; })
        .then(function (body) { return { status: r.status, body: body }; });
    });
  }

  startForm.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors(startForm);
    var data = new FormData(startForm);
    data.append("page", location.href);
    var first = String(data.get("message") || "").trim();
    post("/chat/start", data).then(function (res) {
      if (res.status === 201) {
        state.token = res.body.token;
        state.name = String(data.get("name") || "");
        state.email = String(data.get("email") || "");
        if (first) state.outbox.push({ type: "message", id: newId(), text: first, attachments: [] });
        save();
        startForm.reset();
        startChat();
      } else if (res.status === 409) {
        ["name", "email", "message"].forEach(function (n) {
          offlineForm.querySelector('[name="' + n + '"]').value = data.get(n) || "";
        });
        offline(res.body.detail);
      } else {
        showErrors(startForm, res.body, {});
      }
    }).catch(function () {
      startForm.querySelector(".cdw-form-error").textContent = "The desk could not be reached. Check your connection and try again.";
    });
  });

  offlineForm.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors(offlineForm);
    var data = new FormData(offlineForm);
    data.append("page", location.href);
    post("/chat/offline", data).then(function (res) {
      if (res.status === 201) {
        offlineForm.reset();
        offlineForm.querySelector('[name="chat"]').value = "";
        doneView.textContent = res.body.detail;
        show(doneView);
      } else {
        showErrors(offlineForm, res.body, {});
      }
    }).catch(function () {
      offlineForm.querySelector(".cdw-form-error").textContent = "The desk could not be reached. Check your connection and try again.";
    });
  });

  // -- the chat -------------------------------------------------------------------------

  function newId() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return "v" + Array.from(a, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function clock(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function render(line, pending) {
    var li = line.client_id ? log.querySelector('[data-client="' + line.client_id + '"]') : null;
    if (!li && line.id) li = log.querySelector('[data-line="' + line.id + '"]');
    if (!li) { li = el("li"); log.appendChild(li); }
    li.className = "cdw-line cdw-from-" + line.from + (pending ? " cdw-pending" : "");
    if (line.id) li.dataset.line = line.id;
    if (line.client_id) li.dataset.client = line.client_id;
    li.textContent = "";
    var mine = line.from === "visitor";
    li.appendChild(el("span", { "class": "cdw-who", text: mine ? "You" : line.name }));
    li.appendChild(el("time", { datetime: line.at || false, text: line.at ? clock(line.at) : "sending…" }));
    if (line.text) li.appendChild(el("div", { "class": "cdw-text", text: line.text }));
    (line.attachments || []).forEach(function (f) {
      var link = el("a", { href: f.url ? base + f.url : false, text: f.name, target: "_blank", rel: "noopener" });
      li.appendChild(el("div", { "class": "cdw-file" }, [link]));
    });
    if (line.id) {
      seen[line.id] = true;
      lastSeen = Math.max(lastSeen, line.id);
    }
    log.scrollTop = log.scrollHeight;
  }
  function note(text) {
    log.appendChild(el("li", { "class": "cdw-note", text: text }));
    log.scrollTop = log.scrollHeight;
  }

  function startChat() {
    show(chatView);
    status.textContent = "Connecting…";
    state.outbox.forEach(function (o) { render({ client_id: o.id, from: "visitor", text: o.text }, true); });
    connect();
  }

  function connect() {
    closing = false;
    socket = new WebSocket(wsBase + "/ws/chat/visitor/");
    socket.addEventListener("open", function () {
      send({ type: "hello", token: state.token, after: lastSeen });
      clearInterval(pinger);
      pinger = setInterval(function () { send({ type: "ping" }); }, 25000);  // "still here"
    });
    socket.addEventListener("message", function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      onFrame(frame);
    });
    socket.addEventListener("close", function () {
      clearInterval(pinger);
      if (closing || !state.token) return;
      retry = Math.min(retry + 1, 5);
      status.textContent = "Connection lost. Reconnecting…";
      setTimeout(connect, 500 * Math.pow(2, retry));
    });
  }

  function showChatState(chat) {
    if (chat.agent && chat.agent !== agentName) {
      agentName = chat.agent;
      state.agent = agentName;
      save();
      note(agentName + " joined the chat.");
    }
    if (chat.status === "ended" && chat.reason === "unanswered") {
      // Nobody could take the chat in time: the desk keeps it; offer the message form.
      // The message left next joins this chat's ticket (the token proves the chat was theirs).
      var who = { name: state.name, email: state.email, chat: state.token };
      closing = true;
      if (socket) socket.close();
      forget();
      log.textContent = "";
      offline("No one could take your chat in time, sorry. Leave us a message and we will answer by email." +
        (chat.ticket ? " Your reference is " + chat.ticket + "." : ""), who);
      return;
    }
    if (chat.status === "ended") {
      ended = true;
      status.textContent = "This chat has ended." + (chat.ticket ? " Your reference is " + chat.ticket + "." : "");
      compose.hidden = true;
      endButton.hidden = true;
      againButton.hidden = false;
      typingLine.textContent = "";
    } else if (chat.status === "active") {
      status.textContent = "You are chatting with " + chat.agent + ".";
    } else {
      status.textContent = "Connected. An agent will be with you shortly.";
    }
  }

  function resend(id) {
    state.outbox.forEach(function (o) { if (!id || o.id === id) send(o); });
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "welcome":
        retry = 0;
        frame.lines.forEach(function (l) { if (!seen[l.id]) render(l, false); });
        showChatState(frame.chat);
        if (!ended) resend();
        break;
      case "ack":
        state.outbox = state.outbox.filter(function (o) { return o.id !== frame.id; });
        save();
        render(frame.line, false);
        break;
      case "message":
        if (!seen[frame.line.id]) render(frame.line, false);
        typingLine.textContent = "";
        break;
      case "typing":
        clearTimeout(typingHide);
        typingLine.textContent = frame.state ? (agentName || "The agent") + " is typing…" : "";
        if (frame.state) typingHide = setTimeout(function () { typingLine.textContent = ""; }, 6000);
        break;
      case "state":
        showChatState(frame.chat);
        break;
      case "error":
        onError(frame);
        break;
    }
  }

  function onError(frame) {
    if (frame.code === "forbidden" && !frame.id) {
      closing = true;
      forget();
      if (socket) socket.close();
      log.textContent = "";
      decided = false;
      status.textContent = frame.message;
      decide();
      return;
    }
    if (frame.code === "rate_limited" && !frame.id) {  // the hello itself: say it again later
      status.textContent = frame.message;
      setTimeout(function () { send({ type: "hello", token: state.token, after: lastSeen }); },
        1000 * (frame.retry_after || 3));
      return;
    }
    if (frame.id && (frame.code === "rate_limited" || frame.code === "server")) {
      composeError.textContent = frame.message;
      setTimeout(function () { resend(frame.id); }, 1000 * (frame.retry_after || 3));
      return;
    }
    if (frame.id) {
      state.outbox = state.outbox.filter(function (o) { return o.id !== frame.id; });
      save();
      var li = log.querySelector('[data-client="' + frame.id + '"]');
      if (li) { li.classList.add("cdw-failed"); li.querySelector("time").textContent = "not sent"; }
    }
    var details = frame.errors ? Object.keys(frame.errors).map(function (k) { return frame.errors[k].join(" "); }).join(" ") : "";
    composeError.textContent = frame.message + (details ? " " + details : "");
  }

  function typingNow() {
    var now = Date.now();
    if (now - typingSentAt > 2000 && send({ type: "typing", state: true })) typingSentAt = now;
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSentAt) { typingSentAt = 0; send({ type: "typing", state: false }); }
  }

  compose.addEventListener("submit", function (e) {
    e.preventDefault();
    composeError.textContent = "";
    var words = textBox.value.trim();
    var file = fileBox.files[0];
    if (!words && !file) { textBox.focus(); return; }
    stopTyping();
    var uploading = Promise.resolve(null);
    if (file) {
      var data = new FormData();
      data.append("token", state.token);
      data.append("file", file);
      uploading = post("/chat/upload", data).then(function (res) {
        if (res.status !== 201) {
          throw new Error(res.body.detail + " " + Object.keys(res.body.errors || {}).map(function (k) { return res.body.errors[k].join(" "); }).join(" "));
        }
        return res.body;
      });
    }
    uploading.then(function (uploaded) {
      var frame = { type: "message", id: newId(), text: words, attachments: uploaded ? [uploaded.id] : [] };
      state.outbox.push(frame);
      save();
      render({ client_id: frame.id, from: "visitor", text: words, attachments: uploaded ? [{ name: uploaded.name }] : [] }, true);
      send(frame);
      textBox.value = "";
      fileBox.value = "";
      textBox.focus();
    }).catch(function (err) { composeError.textContent = err.message; });
  });
  textBox.addEventListener("input", typingNow);
  textBox.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
  });
  endButton.addEventListener("click", function () { send({ type: "end" }); });
  againButton.addEventListener("click", function () {
    closing = true;
    if (socket) socket.close();
    forget();
    log.textContent = "";
    ended = false;
    compose.hidden = false;
    endButton.hidden = false;
    againButton.hidden = true;
    decide();
  });

  // A chat in progress (a reload in the same tab) reconnects at once, panel closed.
  if (state.token) { decided = true; views.forEach(function (v) { v.hidden = v !== chatView; }); startChat(); }
})();
