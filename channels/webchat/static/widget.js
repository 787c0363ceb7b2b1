/*
 * Chat widget for the municipal digital assistant (Rasa channel "webchat").
 * Embed with one tag:
 *   <script src="https://chat.example.nl/webhooks/webchat/widget.js"
 *           data-municipality="het-hogeland" data-privacy-url="https://www.example.nl/privacy"
 *           data-color="#1d4f91" defer></script>
 * Optional: data-server (defaults to where this file came from), data-municipality-name,
 *   data-idle-minutes (default 30: after that long without a message the browser forgets the
 *   conversation, so the next person at a shared computer starts with an empty chat).
 *
 * Rules kept throughout: every message is rendered as text (textContent, never innerHTML);
 * links only from the `links` field and only http(s) or `tel:` with digits, spaces, + and -;
 * Dutch UI; WCAG 2.1 AA. A new long answer opens at its first line, not at its tail; after a
 * choice, focus moves to the new answer (or the input), never stays on a button out of view.
 * Licence: EUPL-1.2.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__gemeenteChat) { return; }
  window.__gemeenteChat = true;

  var DEFAULT_COLOR = "#1d4f91";
  var STYLES = ["vendor/utrecht-button.css", "vendor/utrecht-textbox.css",
    "vendor/utrecht-form-label.css", "vendor/utrecht-link.css",
    "vendor/utrecht-paragraph.css", "widget.css"];
  var T = {
    launcher: "Stel uw vraag",
    title: "Digitale assistent",
    intro: "U chat met een digitale assistent. Dat is een computer, geen mens. " +
      "Wilt u liever een medewerker? Kies dan 'Spreek een medewerker'. " +
      "Noem in de chat geen BSN of medische gegevens.",
    close: "Chat sluiten",
    log: "Gesprek",
    label: "Uw vraag of bericht",
    send: "Verstuur",
    human: "Spreek een medewerker",
    privacy: "Privacy",
    newWindow: "(opent in nieuw venster)",
    restart: "Nieuw gesprek",
    restartConfirm: "Wilt u een nieuw gesprek beginnen? Het oude gesprek ziet u dan niet meer.",
    typing: "De assistent schrijft een antwoord",
    you: "U:",
    bot: "Digitale assistent:",
    staff: " (medewerker)",
    links: "Meer informatie:",
    unread: "nieuw bericht",
    offline: "Er is nu geen verbinding. Probeer het zo opnieuw.",
    call: "(belt dit nummer)",
    // Shown under the resident's own earlier lines where the server masked personal data.
    masked: {
      TELEFOON: "Uw telefoonnummer tonen we hier niet. Vroeg u om terugbellen? Dan is uw nummer bewaard bij uw vraag.",
      EMAIL: "Uw e-mailadres tonen we hier niet. Vroeg u om contact per mail? Dan is het bewaard bij uw vraag.",
      BSN: "Uw BSN tonen we hier niet. Het is onleesbaar gemaakt, voor uw privacy.",
      IBAN: "Uw rekeningnummer tonen we hier niet. Het is onleesbaar gemaakt, voor uw privacy.",
      GEBOORTEDATUM: "Uw geboortedatum tonen we hier niet. Het is onleesbaar gemaakt, voor uw privacy."
    },
    failed: "Uw bericht is niet verstuurd. Probeer het opnieuw."
  };

  // ---- configuration ------------------------------------------------------------------
  function readConfig(tag) {
    var server = (tag.getAttribute("data-server") || new URL(tag.src, location.href).origin)
      .replace(/\/+$/, "");
    var slug = (tag.getAttribute("data-municipality") || "gemeente").toLowerCase();
    var name = tag.getAttribute("data-municipality-name") || slug.split("-").map(function (w) {
      return w.charAt(0).toUpperCase() + w.slice(1);
    }).join(" ");
    return {
      base: server + "/webhooks/webchat/",
      slug: slug,
      // Sent with every message: one server serves a region; it checks the slug and answers
      // with this municipality's catalogue, contact data and privacy statement.
      municipality: tag.getAttribute("data-municipality") ? slug : null,
      name: "Gemeente " + name,
      privacyUrl: safeUrl(tag.getAttribute("data-privacy-url")),
      color: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(tag.getAttribute("data-color") || "")
        ? tag.getAttribute("data-color") : DEFAULT_COLOR,
      idleMs: Math.max(1, parseInt(tag.getAttribute("data-idle-minutes"), 10) || 30) * 60000
    };
  }

  // `tel:` only with digits, spaces, + and - (nothing a browser could run or misread).
  function safeTel(value) {
    var v = String(value || "").trim();
    return /^tel:[0-9 +-]{3,20}$/i.test(v) ? "tel:" + v.slice(4).replace(/ /g, "") : null;
  }

  function safeUrl(value) {
    try {
      var url = new URL(String(value || ""), location.href);
      return (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
    } catch (e) { return null; }
  }

  // ---- colour: keep text contrast at 4.5:1 whatever colour a municipality picks -----------
  function luminance(hex) {
    var h = hex.replace("#", "");
    if (h.length === 3) { h = h.replace(/(.)/g, "$1$1"); }
    var rgb = [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function applyColour(root, color) {
    var onBrand = contrast(color, "#ffffff") >= 4.5 ? "#ffffff" : "#1a1a1a";
    if (contrast(color, onBrand) < 4.5) { color = DEFAULT_COLOR; onBrand = "#ffffff"; }
    root.style.setProperty("--gca-brand", color);
    root.style.setProperty("--gca-on-brand", onBrand);
    // Brand colour as text on white only where it is dark enough.
    root.style.setProperty("--gca-accent", contrast(color, "#ffffff") >= 4.5 ? color : "#1a1a1a");
  }

  // ---- tiny DOM helper: text only, attributes via setAttribute --------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function loadStyles(base) {
    STYLES.forEach(function (file) {
      var href = base + file;
      if (!document.querySelector('link[href="' + href + '"]')) {
        document.head.appendChild(el("link", { rel: "stylesheet", href: href }));
      }
    });
  }

  // ---- session: a random id in localStorage, so reloads and navigation keep the chat -----
  // It expires after `idleMs` without activity: on a library computer the next person must not
  // see (or continue) the previous resident's conversation.
  function makeStore(slug, idleMs) {
    var key = "gemeente-chat:" + slug;
    var memory = {};
    function read(area, k) { try { return window[area].getItem(k); } catch (e) { return memory[k] || null; } }
    function write(area, k, v) {
      try { if (v === null) { window[area].removeItem(k); } else { window[area].setItem(k, v); } }
      catch (e) { memory[k] = v; }
    }
    return {
      session: function () {
        var id = read("localStorage", key);
        var seen = parseInt(read("localStorage", key + ":seen"), 10) || 0;
        if (id && Date.now() - seen > idleMs) { this.forget(); return null; }
        return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id || "") ? id : null;
      },
      touch: function () { write("localStorage", key + ":seen", String(Date.now())); },
      newSession: function () { var id = uuid4(); write("localStorage", key, id); this.touch(); return id; },
      forget: function () { write("localStorage", key, null); write("localStorage", key + ":seen", null); },
      wasOpen: function () { return read("sessionStorage", key + ":open") === "1"; },
      setOpen: function (open) { write("sessionStorage", key + ":open", open ? "1" : null); }
    };
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // ---- the user interface ----------------------------------------------------------------
  function buildUi(cfg) {
    var ui = {};
    ui.root = el("div", { "class": "gca-root gca-theme", lang: "nl" });
    applyColour(ui.root, cfg.color);

    ui.launcher = el("button", { type: "button", "class": "gca-launcher utrecht-button utrecht-button--primary-action",
      "aria-expanded": "false", "aria-controls": "gca-panel" });
    ui.launcher.appendChild(chatIcon());
    ui.launcher.appendChild(el("span", {}, T.launcher));
    ui.badge = el("span", { "class": "gca-badge", hidden: "" });
    ui.launcher.appendChild(ui.badge);

    ui.panel = el("section", { id: "gca-panel", "class": "gca-panel", role: "dialog",
      "aria-labelledby": "gca-title", hidden: "" });
    var header = el("div", { "class": "gca-header" });
    var titles = el("div", { "class": "gca-titles" });
    titles.appendChild(el("h2", { id: "gca-title", "class": "gca-title" }, T.title));
    titles.appendChild(el("p", { "class": "gca-subtitle" }, cfg.name));
    header.appendChild(titles);
    ui.close = el("button", { type: "button", "class": "gca-close utrecht-button", "aria-label": T.close });
    ui.close.appendChild(el("span", { "aria-hidden": "true" }, "\u00d7"));
    header.appendChild(ui.close);
    ui.panel.appendChild(header);

    // The intro scrolls away with the conversation, so small screens keep room for messages.
    ui.scroll = el("div", { "class": "gca-scroll", role: "region", "aria-label": T.log, tabindex: "0" });
    ui.scroll.appendChild(el("p", { "class": "gca-intro utrecht-paragraph" }, T.intro));
    ui.log = el("div", { "class": "gca-log", role: "log", "aria-live": "polite", "aria-label": T.log });
    ui.scroll.appendChild(ui.log);
    ui.panel.appendChild(ui.scroll);
    ui.typing = el("p", { "class": "gca-typing", hidden: "" });
    ui.typing.appendChild(el("span", { "class": "gca-dots", "aria-hidden": "true" }));
    ui.typing.appendChild(el("span", {}, T.typing));
    ui.panel.appendChild(ui.typing);
    ui.error = el("p", { "class": "gca-error", role: "alert" });
    ui.panel.appendChild(ui.error);

    ui.form = el("form", { "class": "gca-form", novalidate: "" });
    ui.form.appendChild(el("label", { "for": "gca-input", "class": "utrecht-form-label" }, T.label));
    var row = el("div", { "class": "gca-row" });
    ui.input = el("input", { id: "gca-input", type: "text", "class": "utrecht-textbox gca-input",
      maxlength: "2000", autocomplete: "off", enterkeyhint: "send" });
    row.appendChild(ui.input);
    row.appendChild(el("button", { type: "submit", "class": "utrecht-button utrecht-button--primary-action" }, T.send));
    ui.form.appendChild(row);
    ui.panel.appendChild(ui.form);

    var footer = el("div", { "class": "gca-footer" });
    ui.human = el("button", { type: "button", "class": "utrecht-button utrecht-button--secondary-action" }, T.human);
    footer.appendChild(ui.human);
    if (cfg.privacyUrl) {
      var privacy = el("a", { "class": "utrecht-link", href: cfg.privacyUrl, target: "_blank", rel: "noopener noreferrer" }, T.privacy);
      privacy.appendChild(el("span", { "class": "gca-sr" }, " " + T.newWindow));
      footer.appendChild(privacy);
    }
    ui.restart = el("button", { type: "button", "class": "gca-restart utrecht-button utrecht-button--subtle" }, T.restart);
    footer.appendChild(ui.restart);
    ui.panel.appendChild(footer);

    ui.root.appendChild(ui.launcher);
    ui.root.appendChild(ui.panel);
    return ui;
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "gca-icon");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-4.5 3.5V17H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z");
    svg.appendChild(path);
    return svg;
  }

  // ---- rendering: one message -------------------------------------------------------------
  function renderMessage(ui, message, sender, onChoice) {
    var staff = sender === "bot" && message.agent;
    var item = el("div", { "class": "gca-msg gca-msg--" + (staff ? "staff" : sender) });
    if (staff) {
      item.appendChild(el("p", { "class": "gca-msg__who" }, message.agent + T.staff));
    } else {
      item.appendChild(el("span", { "class": "gca-sr" }, sender === "user" ? T.you : T.bot));
    }
    if (message.text) { item.appendChild(el("p", { "class": "gca-msg__text" }, message.text)); }
    if (sender === "user" && message.text) {
      var seen = {};
      (String(message.text).match(/\[(TELEFOON|EMAIL|BSN|IBAN|GEBOORTEDATUM)\]/g) || []).forEach(function (m) {
        var kind = m.slice(1, -1);
        if (seen[kind]) { return; }
        seen[kind] = true;
        item.appendChild(el("p", { "class": "gca-msg__note" }, T.masked[kind]));
      });
    }
    var links = (message.links || []).filter(function (l) {
      return l && (safeTel(l.url) || (/^https?:/i.test(String(l.url || "")) && safeUrl(l.url)));
    });
    if (links.length) {
      item.appendChild(el("p", { "class": "gca-sr" }, T.links));
      var list = el("ul", { "class": "gca-links" });
      links.forEach(function (l) {
        var li = el("li");
        var tel = safeTel(l.url);
        var a = tel
          ? el("a", { "class": "utrecht-link gca-link--tel", href: tel }, l.title || l.url.slice(4))
          : el("a", { "class": "utrecht-link", href: safeUrl(l.url), target: "_blank", rel: "noopener noreferrer" }, l.title || l.url);
        a.appendChild(el("span", { "class": "gca-sr" }, " " + (tel ? T.call : T.newWindow)));
        li.appendChild(a);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    if (message.buttons && message.buttons.length) {
      var group = el("div", { "class": "gca-choices", role: "group", "aria-label": "Keuzes" });
      message.buttons.forEach(function (b) {
        var btn = el("button", { type: "button", "class": "utrecht-button utrecht-button--secondary-action" }, b.title);
        btn.addEventListener("click", function () { onChoice(String(b.payload), String(b.title)); });
        group.appendChild(btn);
      });
      item.appendChild(group);
    }
    if (sender === "bot" && message.feedback) { item.appendChild(feedbackBar(message.feedback, onChoice)); }
    ui.log.appendChild(item);
    ui.scroll.scrollTop = ui.scroll.scrollHeight;
    return item;
  }

  // "Was dit nuttig?" under a catalogue answer: two small buttons beside the question, out of
  // the way of the answer's own choices; after a press it only says thanks (one vote per answer).
  function feedbackBar(offer, onChoice) {
    var bar = el("div", { "class": "gca-feedback", role: "group", "aria-label": offer.question });
    bar.appendChild(el("span", { "class": "gca-feedback__question", "aria-hidden": "true" }, offer.question));
    ["up", "down"].forEach(function (which) {
      var b = offer[which];
      if (!b || !b.payload) { return; }
      var btn = el("button", { type: "button", "class": "gca-feedback__button", "aria-label": b.label }, b.title);
      btn.addEventListener("click", function () {
        bar.textContent = "";
        bar.appendChild(el("span", { "class": "gca-feedback__question" }, "Uw reactie is verstuurd."));
        onChoice(String(b.payload), b.title + " " + b.label);
      });
      bar.appendChild(btn);
    });
    return bar;
  }

  // Show a new answer from its first line: when the new messages (from `first` on) do not fit
  // in the log, the first of them goes to the top; otherwise the log simply ends at the bottom.
  function reveal(ui, first) {
    if (!first) { return; }
    var top = first.getBoundingClientRect().top - ui.scroll.getBoundingClientRect().top + ui.scroll.scrollTop;
    if (ui.scroll.scrollHeight - top > ui.scroll.clientHeight) {
      ui.scroll.scrollTop = Math.max(0, top - 8);
    } else {
      ui.scroll.scrollTop = ui.scroll.scrollHeight;
    }
  }

  // ---- the conversation ----------------------------------------------------------------
  function start() {
    var cfg = readConfig(script);
    var store = makeStore(cfg.slug, cfg.idleMs);
    loadStyles(cfg.base);
    var ui = buildUi(cfg);
    document.body.appendChild(ui.root);

    var sessionId = store.session();
    var events = null;
    var lastEventId = null;
    var pending = 0;
    var queue = Promise.resolve();
    var unread = 0;

    function isOpen() { return !ui.panel.hasAttribute("hidden"); }

    function setTyping(delta) {
      pending += delta;
      if (pending > 0) { ui.typing.removeAttribute("hidden"); } else { ui.typing.setAttribute("hidden", ""); }
    }

    function showError(text) { ui.error.textContent = text || ""; }

    function say(message, sender) {
      if (sender === "bot" && message && typeof message.person === "string") { setPerson(message.person); }
      return renderMessage(ui, message, sender, choose);
    }

    // While a staff member has the conversation the header says who, and the "talk to a person"
    // button is hidden (the resident already is); handing back restores both.
    function setPerson(name) {
      var title = ui.panel.querySelector("#gca-title");
      if (title) { title.textContent = name ? "U praat met " + name + " van de gemeente" : T.title; }
      if (name) { ui.human.setAttribute("hidden", ""); } else { ui.human.removeAttribute("hidden"); }
    }

    // After a choice, focus goes to the first new answer (so Tab continues in it) unless the
    // resident has started typing meanwhile; without an answer it goes to the input.
    function focusAnswer(first) {
      var active = document.activeElement;
      if (active && active !== ui.input && active !== document.body && ui.panel.contains(active)) { return; }
      if (active === ui.input && ui.input.value) { return; }
      if (first) {
        first.setAttribute("tabindex", "-1");
        first.focus({ preventScroll: true });
      } else {
        ui.input.focus({ preventScroll: true });
      }
    }

    function send(text, label, silent, fromChoice) {
      if (!sessionId) { sessionId = store.newSession(); openStream(null); }
      if (!silent) { say({ text: label || text }, "user"); }
      showError("");
      setTyping(1);
      var body = { session_id: sessionId, text: text };
      if (label) { body.label = label; }
      if (cfg.municipality) { body.municipality = cfg.municipality; }
      store.touch();
      // One after the other, so the replies keep the order of the questions.
      queue = queue.then(function () {
        return fetch(cfg.base + "message", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
        }).then(function (resp) {
          return resp.json().catch(function () { return {}; }).then(function (data) {
            if (!resp.ok) { showError(data.message || T.failed); if (fromChoice) { focusAnswer(null); } return; }
            var first = null;
            (Array.isArray(data) ? data : []).forEach(function (m) {
              var item = say(m, "bot");
              first = first || item;
            });
            reveal(ui, first);
            if (fromChoice) { focusAnswer(first); }
          });
        }).catch(function () { showError(T.offline); if (fromChoice) { focusAnswer(null); } })
          .then(function () { setTyping(-1); });
      });
    }

    function choose(payload, title) {
      // The chosen button scrolls away with the conversation: focus must not stay on it.
      ui.input.focus({ preventScroll: true });
      send(payload, title, false, true);
    }

    function loadHistory() {
      return fetch(cfg.base + "history?session_id=" + encodeURIComponent(sessionId))
        .then(function (resp) { return resp.ok ? resp.json() : { messages: [], cursor: null }; })
        .then(function (data) {
          // Old messages are not read out again: only new ones go to the live region.
          ui.log.setAttribute("aria-live", "off");
          (data.messages || []).forEach(function (m) { say(m, m.sender === "user" ? "user" : "bot"); });
          ui.log.setAttribute("aria-live", "polite");
          return data.cursor || null;
        })
        .catch(function () { return null; });
    }

    function openStream(cursor) {
      if (events) { events.close(); }
      var url = cfg.base + "events?session_id=" + encodeURIComponent(sessionId);
      if (lastEventId || cursor) { url += "&after=" + encodeURIComponent(lastEventId || cursor); }
      events = new EventSource(url);
      events.onmessage = function (e) {
        lastEventId = e.lastEventId || lastEventId;
        var message;
        try { message = JSON.parse(e.data); } catch (err) { return; }
        reveal(ui, say(message, "bot"));
        if (!isOpen()) {
          unread += 1;
          ui.badge.textContent = unread + " " + T.unread;
          ui.badge.removeAttribute("hidden");
        }
      };
      events.onerror = function () {
        // The browser retries by itself unless the server refused; then we retry later.
        if (events.readyState === EventSource.CLOSED) {
          setTimeout(function () { if (sessionId) { openStream(null); } }, 5000);
        }
      };
    }

    function open(focus) {
      ui.panel.removeAttribute("hidden");
      ui.launcher.setAttribute("hidden", "");
      ui.launcher.setAttribute("aria-expanded", "true");
      unread = 0;
      ui.badge.setAttribute("hidden", "");
      store.setOpen(true);
      if (!sessionId) { send("/greet", null, true); }
      if (focus) { ui.input.focus(); }
      ui.scroll.scrollTop = ui.scroll.scrollHeight;
    }

    function close() {
      ui.panel.setAttribute("hidden", "");
      ui.launcher.removeAttribute("hidden");
      ui.launcher.setAttribute("aria-expanded", "false");
      store.setOpen(false);
      ui.launcher.focus();
    }

    function restart() {
      if (!window.confirm(T.restartConfirm)) { return; }
      if (events) { events.close(); events = null; }
      store.forget();
      sessionId = null;
      lastEventId = null;
      ui.log.textContent = "";
      send("/greet", null, true);
      ui.input.focus();
    }

    ui.launcher.addEventListener("click", function () { open(true); });
    ui.close.addEventListener("click", close);
    ui.panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape" || e.key === "Esc") { e.preventDefault(); close(); }
    });
    ui.form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { showError("Typ eerst uw vraag."); ui.input.focus(); return; }
      ui.input.value = "";
      send(text, null, false);
    });
    ui.human.addEventListener("click", function () { send("/request_human", T.human, false); });
    ui.restart.addEventListener("click", restart);

    if (sessionId) { loadHistory().then(openStream); }
    if (store.wasOpen()) { open(false); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
