/* B1 check while typing, in the catalogue forms of the console.
 * Why a server call: the rules live in Python (assistant/b1.py), shared with the tests and the
 * CLI; this file only sends the text and shows the answer (as text, never as HTML).
 * A warning never blocks saving. */
(function () {
  "use strict";
  var form = document.getElementById("catalogue-form");
  if (!form) { return; }
  var url = form.getAttribute("data-b1-url");
  var csrf = form.getAttribute("data-csrf");

  function line(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function show(target, report) {
    target.textContent = "";
    if (!report.words) { return; }
    target.appendChild(line("B1-score: " + report.score + " (" + report.words + " woorden, " +
      report.sentences + " zinnen)"));
    if (report.warning) {
      var warn = line(report.warning);
      warn.className = "alert alert-warn b1-warning";
      target.appendChild(warn);
    }
    if (report.findings.length) {
      var list = document.createElement("ul");
      report.findings.forEach(function (f) {
        var item = document.createElement("li");
        item.textContent = f.message + (f.suggestion ? " " + f.suggestion : "");
        list.appendChild(item);
      });
      target.appendChild(list);
    }
  }

  function check(area) {
    var target = document.getElementById(area.getAttribute("data-b1"));
    if (!target) { return; }
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: area.value })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (report) { if (report) { show(target, report); } })
      .catch(function () { target.textContent = "De B1-check is nu niet bereikbaar."; });
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-b1]"), function (area) {
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { check(area); }, 400);
    });
    if (area.value) { check(area); }
  });
})();
