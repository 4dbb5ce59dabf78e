// CareDesk live chat, agent side: one websocket for the queue and the agent's chats.
// Lines carry an id made here; the server acknowledges it, and anything not acknowledged is
// sent again after a reconnect (the server writes a line once, whatever the repeats).
(function () {
  "use strict";
  var root = document.querySelector("[data-chat-desk]");
  if (!root) return;
  var chatId = parseInt(root.dataset.chat || "0", 10) || null;
  var after = parseInt(root.dataset.after || "0", 10) || 0;
  var log = document.getElementById("chat-log");
  var typingLine = document.getElementById("chat-typing");
  var alertBox = document.getElementById("chat-alert");
  var form = document.getElementById("chat-compose");
  var text = document.getElementById("chat-text");
  var fileInput = document.getElementById("chat-file");
  var endButton = document.getElementById("chat-end");
  var socket = null;
  var pinger = null;
  var retry = 0;
  var outbox = [];
  var seen = {};
  var typingSentAt = 0;
  // The server takes frames about a chat only after our "watch" for it, which follows its
  // "hello": until then a typing signal would be refused, so none is sent.
  var watching = false;
  var typingIdle = null;
  var typingHide = null;

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function newId() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return "a" + Array.from(a, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function say(message) {
    alertBox.textContent = message;
    alertBox.classList.toggle("chat-alert-on", !!message);
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
    if (!log) return;
    var li = line.client_id ? log.querySelector('[data-client="' + line.client_id + '"]') : null;
    if (!li && line.id) li = log.querySelector('[data-line="' + line.id + '"]');
    if (!li) {
      li = document.createElement("li");
      log.appendChild(li);
    }
    li.className = "chat-line chat-from-" + line.from + (pending ? " chat-pending" : "");
    if (line.id) li.dataset.line = line.id;
    if (line.client_id) li.dataset.client = line.client_id;
    li.textContent = "";
    var who = document.createElement("span");
    who.className = "chat-who";
    who.textContent = line.name;
    li.appendChild(who);
    li.appendChild(document.createTextNode(" "));
    var when = document.createElement("time");
    if (line.at) { when.dateTime = line.at; when.textContent = clock(line.at); }
    else { when.textContent = "sending…"; }
    li.appendChild(when);
    var body = document.createElement("div");
    body.className = "chat-text";
    body.textContent = line.text;
    li.appendChild(body);
    if (line.attachments && line.attachments.length) {
      var ul = document.createElement("ul");
      ul.className = "attachments";
      line.attachments.forEach(function (f) {
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = f.url;
        a.textContent = f.name;
        item.appendChild(a);
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    if (line.id) { seen[line.id] = true; after = Math.max(after, line.id); }
    li.scrollIntoView({ block: "nearest" });
  }

  function accept(line) {
    outbox = outbox.filter(function (o) { return o.id !== line.client_id; });
    render(line, false);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        retry = 0;
        if (root.dataset.available === "1" && !frame.available) {
          say("You were set away while your chat page was closed. Become available again to take chats.");
        }
        document.body.dispatchEvent(new CustomEvent("chat-queue"));
        if (chatId) watching = send({ type: "watch", chat: chatId, after: after });
        outbox.forEach(function (o) { send(o); });
        // typing that began before the socket was ready is signalled now, not lost
        if (watching && typingIdle !== null) { typingSentAt = 0; typingNow(); }
        break;
      case "history":
        frame.lines.forEach(function (l) { if (!seen[l.id]) render(l, false); });
        showState(frame.chat);
        break;
      case "queue":
        document.body.dispatchEvent(new CustomEvent("chat-queue"));
        break;
      case "accepted":
        window.location.href = root.dataset.base + frame.chat.id + "/";
        break;
      case "ack":
        accept(frame.line);
        break;
      case "message":
        if (frame.line.chat === chatId) {
          if (!seen[frame.line.id]) render(frame.line, false);
          showTyping(false);
        } else {
          var row = document.querySelector('[data-chat-row="' + frame.line.chat + '"] .chat-new');
          if (row) row.hidden = false;
        }
        break;
      case "typing":
        if (frame.chat === chatId) showTyping(frame.state);
        break;
      case "state":
        if (frame.chat.id === chatId) showState(frame.chat);
        document.body.dispatchEvent(new CustomEvent("chat-queue"));
        break;
      case "notice":
        // a page or an urgent notification for this agent, with its link
        say(frame.text + " ");
        var open = document.createElement("a");
        open.href = frame.url;
        open.textContent = "Open";
        alertBox.appendChild(open);
        break;
      case "error":
        if (frame.id) {
          outbox = outbox.filter(function (o) { return o.id !== frame.id; });
          var li = log && log.querySelector('[data-client="' + frame.id + '"]');
          if (li) { li.classList.add("chat-failed"); li.querySelector("time").textContent = "not sent"; }
        }
        say(frame.message + (frame.errors ? " " + Object.values(frame.errors).flat().join(" ") : ""));
        break;
    }
  }

  function showTyping(on) {
    if (!typingLine) return;
    clearTimeout(typingHide);
    typingLine.textContent = on ? "The visitor is typing…" : "";
    if (on) typingHide = setTimeout(function () { typingLine.textContent = ""; }, 6000);
  }

  function showState(chat) {
    if (chat.status !== "ended") return;
    var ended = document.getElementById("chat-ended");
    if (ended) ended.hidden = false;
    if (form) form.remove();
    if (endButton) endButton.remove();
    form = null;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.addEventListener("message", function (e) {
      try { onFrame(JSON.parse(e.data)); } catch (err) { /* a frame we cannot read is skipped */ }
    });
    socket.addEventListener("open", function () {
      say("");
      clearInterval(pinger);
      pinger = setInterval(function () { send({ type: "ping" }); }, 25000);  // "still here"
    });
    socket.addEventListener("close", function (e) {
      clearInterval(pinger);
      watching = false;
      // 4401: the session ended (signed out elsewhere, inactivity); the page goes to sign-in.
      if (e.code === 4401) { window.location.reload(); return; }
      retry = Math.min(retry + 1, 5);
      if (retry > 1) say("Connection lost. Reconnecting…");
      setTimeout(connect, 500 * Math.pow(2, retry));
    });
  }

  function typingNow() {
    var now = Date.now();
    // counted as sent only when the socket took it after the watch (it may still be connecting)
    if (watching && now - typingSentAt > 2000 && send({ type: "typing", chat: chatId, state: true })) {
      typingSentAt = now;
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    typingIdle = null;
    if (typingSentAt) { typingSentAt = 0; send({ type: "typing", chat: chatId, state: false }); }
  }

  function upload(file) {
    var data = new FormData();
    data.append("file", file);
    return fetch(root.dataset.upload, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf() },
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.detail + " " + Object.values(body.errors || {}).flat().join(" "));
        return body;
      });
    });
  }

  function submit(e) {
    e.preventDefault();
    var words = text.value.trim();
    var file = fileInput && fileInput.files[0];
    if (!words && !file) { text.focus(); return; }
    stopTyping();
    var pending = file ? upload(file) : Promise.resolve(null);
    pending.then(function (uploaded) {
      var frame = { type: "message", chat: chatId, id: newId(), text: words, attachments: uploaded ? [uploaded.id] : [] };
      outbox.push(frame);
      render({ client_id: frame.id, from: "agent", name: "You", text: words,
               attachments: uploaded ? [{ name: uploaded.name, url: "#" }] : [] }, true);
      send(frame);
      text.value = "";
      if (fileInput) fileInput.value = "";
      say("");
    }).catch(function (err) { say(err.message); });
  }

  if (log) {
    Array.from(log.querySelectorAll("li[data-line]")).forEach(function (li) {
      seen[li.dataset.line] = true;
      var t = li.querySelector("time");
      if (t) t.textContent = clock(t.dateTime);
    });
  }
  if (form) {
    form.addEventListener("submit", submit);
    text.addEventListener("input", typingNow);
    text.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
  }
  if (endButton) {
    endButton.addEventListener("click", function () { send({ type: "end", chat: chatId }); });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-accept]");
    if (!button) return;
    say("");
    send({ type: "accept", chat: parseInt(button.dataset.accept, 10) });
  });
  connect();
})();
