/* Live updates for the KCC console. The pages work without this file; it only saves a reload.
   An EventSource tells us something changed; we then fetch the fresh HTML fragment. */
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("live-status");
    if (status) { status.textContent = text; }
  }

  function scrollToEnd(el) {
    if (el.classList.contains("transcript-box")) { el.scrollTop = el.scrollHeight; }
  }

  function refresh(el) {
    if (el.dataset.busy === "1") { return; }
    el.dataset.busy = "1";
    var focused = el.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    fetch(el.dataset.live, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (resp) {
        if (resp.status === 401) { window.location.assign("/console/login"); return null; }
        return resp.ok ? resp.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        el.innerHTML = html;
        if (focused) {
          var again = el.querySelector('a[href="' + focused + '"]');
          if (again) { again.focus(); }
        }
        scrollToEnd(el);
        announce(el.id === "queue" ? "De wachtrij is bijgewerkt." : "Er is een nieuw bericht in het gesprek.");
        el.dispatchEvent(new CustomEvent("kcc:refreshed"));
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () { el.dataset.busy = "0"; });
  }

  function live(el) {
    if (!window.EventSource || !el.dataset.events) { return; }
    var source = new EventSource(el.dataset.events);
    source.addEventListener("queue", function () { refresh(el); });
    source.addEventListener("transcript", function () { refresh(el); });
  }

  document.querySelectorAll("[data-live]").forEach(function (el) {
    scrollToEnd(el);
    live(el);
  });

  // -- shared helpers for the forms this script sends itself ----------------------------
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function postForm(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (resp) {
      if (resp.status === 401) { window.location.assign("/console/login"); throw new Error("login"); }
      return resp.json().catch(function () { return { ok: false, error: "Er ging iets mis. Probeer het opnieuw." }; })
        .then(function (body) { body.status_code = resp.status; return body; });
    });
  }
  window.kccConsole = { postForm: postForm, csrfToken: csrfToken, announce: announce, refresh: refresh };

  // -- presence: available / busy / away in the header -----------------------------------
  var presence = document.getElementById("presence-form");
  function showPresence(state) {
    if (!presence || !state || !state.status) { return; }
    var select = document.getElementById("presence-status");
    select.value = state.status;
    select.className = "presence-select presence-" + state.status;
    presence.dataset.status = state.status;
    var note = document.getElementById("presence-note");
    note.textContent = state.auto && state.status === "away" ? "Op afwezig gezet: u was een tijd niet actief." : "";
  }
  if (presence) {
    presence.classList.add("js");
    var select = document.getElementById("presence-status");
    select.addEventListener("change", function () {
      postForm(presence.action, new FormData(presence)).then(function (state) {
        showPresence(state);
        announce("Uw status is nu: " + state.label + ".");
      }).catch(function () {});
    });
    var lastPing = Date.now();
    var activity = function () {
      if (Date.now() - lastPing < 60000) { return; }
      lastPing = Date.now();
      var data = new FormData();
      data.append("csrf_token", csrfToken());
      postForm("/console/presence/ping", data).then(showPresence).catch(function () {});
    };
    ["keydown", "pointerdown", "mousemove", "wheel"].forEach(function (name) {
      document.addEventListener(name, activity, { passive: true });
    });
  }

  // -- reply and notes without a page reload; the focus stays in the text box ------------
  function showError(id, text) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.textContent = text || "";
    el.hidden = !text;
  }

  function sendInPlace(form, textarea, errorId, done) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sending === "1") { return; }
      form.dataset.sending = "1";
      showError(errorId, "");
      postForm(form.action, new FormData(form)).then(function (body) {
        if (body.ok) {
          textarea.value = "";
          var status = document.getElementById(errorId.replace("-error", "-status"));
          if (status) { status.textContent = body.message; } else { announce(body.message); }
          done(body);
        } else {
          showError(errorId, body.error);
        }
        textarea.focus();
      }).catch(function () {
        showError(errorId, "Het versturen lukte niet. Controleer de verbinding en probeer het opnieuw.");
      }).then(function () { form.dataset.sending = "0"; });
    });
  }

  var replyForm = document.getElementById("reply-form");
  if (replyForm) {
    var replyText = document.getElementById("reply-text");
    sendInPlace(replyForm, replyText, "reply-error", function () {
      var box = document.getElementById("transcript");
      if (box) { refresh(box); }
    });
    replyText.addEventListener("keydown", function (event) {
      // Ctrl+Enter (or Cmd+Enter) sends; Enter alone makes a new line as usual.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        replyForm.requestSubmit();
      }
    });
  }
  var noteForm = document.getElementById("note-form");
  if (noteForm) {
    sendInPlace(noteForm, document.getElementById("note-text"), "note-error", function (body) {
      var list = document.getElementById("notes");
      if (list && body.html) { list.innerHTML = body.html; }
    });
  }

  // -- saved replies: search, arrows, Enter inserts into the reply box -------------------
  var search = document.getElementById("saved-search");
  if (search && replyForm) {
    var box = document.getElementById("reply-text");
    var options = Array.prototype.slice.call(document.querySelectorAll("#saved-list .saved-option"));
    var active = -1;
    var visible = function () { return options.filter(function (o) { return !o.hidden; }); };
    var mark = function (index) {
      var shown = visible();
      options.forEach(function (o) { o.setAttribute("aria-selected", "false"); o.classList.remove("is-active"); });
      active = shown.length ? (index + shown.length) % shown.length : -1;
      if (active >= 0) {
        shown[active].setAttribute("aria-selected", "true");
        shown[active].classList.add("is-active");
        shown[active].scrollIntoView({ block: "nearest" });
        search.setAttribute("aria-activedescendant", shown[active].id);
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    };
    var filter = function () {
      var words = search.value.toLocaleLowerCase("nl").split(/\s+/).filter(Boolean);
      options.forEach(function (o) {
        var text = o.textContent.toLocaleLowerCase("nl");
        o.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      document.getElementById("saved-empty").hidden = visible().length > 0;
      mark(0);
    };
    var insert = function (option) {
      var text = option.dataset.text;
      var start = box.selectionStart || 0, end = box.selectionEnd || 0;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      box.setSelectionRange(start + text.length, start + text.length);
      search.value = "";
      filter();
      announce("Standaardantwoord ingevoegd. U kunt het nog aanpassen.");
    };
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Enter") {
        event.preventDefault();
        var shown = visible();
        if (shown.length) { insert(shown[Math.max(active, 0)]); }
      } else if (event.key === "Escape") { event.preventDefault(); box.focus(); }
    });
    options.forEach(function (o) { o.addEventListener("click", function () { insert(o); }); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "/" && box.value === "" && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        search.focus();
      }
    });
    filter();
  }

  // -- keyboard shortcuts on the ticket page (shown in the page) -------------------------
  var typing = function (el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  };
  var focusOn = function (id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    el.scrollIntoView({ block: "center" });
    el.focus();
    return true;
  };
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(document.activeElement) && document.activeElement.id !== "saved-search") {
      document.activeElement.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) { return; }
    var done = false;
    switch (event.key) {
      case "o":
        var claim = document.getElementById("claim-form");
        if (claim) { claim.requestSubmit(); done = true; }
        break;
      case "b": done = focusOn("reply-text"); break;
      case "n": done = focusOn("note-text"); break;
      case "t": done = focusOn("handback-outcome"); break;
      case "a": done = focusOn("outcome"); break;
      case "v":
        var next = document.getElementById("next-ticket");
        if (next) { window.location.assign(next.href); done = true; }
        break;
    }
    if (done) { event.preventDefault(); }
  });

  // -- a new urgent ticket: a sound and a browser notification ---------------------------
  // Browsers allow sound only after the user did something on the page, and a notification
  // only after permission; so both wait for a gesture, and never play on page load.
  var queueBox = document.getElementById("queue");
  if (queueBox) {
    var urgentIds = function () {
      var table = queueBox.querySelector("table[data-urgent]");
      return table && table.dataset.urgent ? table.dataset.urgent.split(",") : [];
    };
    var known = urgentIds();
    var audio = null;
    var gestured = false;
    var gesture = function () {
      gestured = true;
      if (!audio && (window.AudioContext || window.webkitAudioContext)) {
        audio = new (window.AudioContext || window.webkitAudioContext)();
      }
      if (audio && audio.state === "suspended") { audio.resume(); }
    };
    document.addEventListener("pointerdown", gesture, { passive: true });
    document.addEventListener("keydown", gesture, { passive: true });
    var beep = function () {
      if (!audio || audio.state !== "running") { return false; }
      [0, 0.3].forEach(function (at) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.15;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.18);
      });
      return true;
    };
    var button = document.getElementById("alerts-on");
    var state = document.getElementById("alerts-state");
    var showState = function () {
      var parts = [];
      if (audio && audio.state === "running") { parts.push("geluid aan"); }
      if (window.Notification && Notification.permission === "granted") { parts.push("meldingen aan"); }
      state.textContent = parts.length ? "Bij nieuwe spoed: " + parts.join(", ") + "." : "";
      if (button) { button.hidden = parts.length === 2; }
    };
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        gesture();
        if (window.Notification && Notification.permission === "default") {
          Notification.requestPermission().then(showState);
        }
        window.setTimeout(showState, 200);
      });
    }
    queueBox.addEventListener("kcc:refreshed", function () {
      var now = urgentIds();
      var fresh = now.filter(function (id) { return known.indexOf(id) < 0; });
      known = now;
      if (!fresh.length) { return; }
      var played = gestured && beep();
      var notified = false;
      if (gestured && window.Notification && Notification.permission === "granted") {
        var note = new Notification("Nieuw spoedticket", {
          body: fresh.length === 1 ? "Ticket #" + fresh[0] + " wacht op een medewerker." : fresh.length + " nieuwe spoedtickets wachten.",
          tag: "kcc-urgent-" + fresh.join("-")
        });
        note.onclick = function () { window.focus(); window.location.assign("/console/tickets/" + fresh[0]); };
        notified = true;
      }
      queueBox.dataset.alerted = (queueBox.dataset.alerted ? queueBox.dataset.alerted + "," : "") + fresh.join(",");
      queueBox.dataset.alertSound = played ? "1" : "0";
      queueBox.dataset.alertNotification = notified ? "1" : "0";
      announce("Nieuw spoedticket in de wachtrij.");
    });
  }
})();
