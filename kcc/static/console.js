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
})();
