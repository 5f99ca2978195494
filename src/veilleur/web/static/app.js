// Keyboard shortcuts for the review queue and the item page (no library, nothing loaded from the network).
// Queue: j/k move, Enter/o open, x check, d dismiss, h hide, e escalate, w warn (opens the item's editable
// warning), ? help. Item page: d/h/e act on the item, w focuses the warning text, j goes to the next item.
(function () {
  "use strict";
  var help = document.getElementById("help");
  function toggleHelp(show) { if (help) { help.hidden = show === undefined ? !help.hidden : !show; } }
  document.querySelectorAll("[data-open-help]").forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); toggleHelp(true); });
  });
  document.querySelectorAll("[data-close-help]").forEach(function (b) {
    b.addEventListener("click", function () { toggleHelp(false); });
  });

  var queue = document.getElementById("queue");
  var item = document.getElementById("item");
  var rows = queue ? Array.prototype.slice.call(queue.querySelectorAll(".qitem")) : [];
  var current = rows.length ? 0 : -1;

  function select(i) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("selected", j === current); r.setAttribute("aria-selected", j === current ? "true" : "false"); });
    rows[current].focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  }
  if (rows.length) { select(0); }

  function act(id, action) {
    var form = document.getElementById("rowaction");
    if (!form || !id) { return; }
    form.action = "/item/" + encodeURIComponent(id) + "/action";
    form.querySelector("input[name=action]").value = action;
    form.submit();
  }
  function submitItem(action) {
    var f = document.querySelector('form[data-action="' + action + '"]');
    if (f) { f.submit(); }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    var key = ev.key;
    if (key === "?") { toggleHelp(); ev.preventDefault(); return; }
    if (key === "Escape") { toggleHelp(false); return; }
    if (queue) {
      var canAct = queue.getAttribute("data-can-act") === "1";
      var row = rows[current];
      if (key === "j") { select(current + 1); ev.preventDefault(); }
      else if (key === "k") { select(current - 1); ev.preventDefault(); }
      else if ((key === "Enter" || key === "o") && row) { window.location.href = row.getAttribute("data-href"); ev.preventDefault(); }
      else if (key === "x" && row) { var cb = row.querySelector("input[type=checkbox]"); if (cb) { cb.checked = !cb.checked; } }
      else if (canAct && row && (key === "d" || key === "h" || key === "e")) {
        act(row.getAttribute("data-id"), { d: "dismiss", h: "hide", e: "escalate" }[key]); ev.preventDefault();
      }
      else if (canAct && row && key === "w") { window.location.href = row.getAttribute("data-href") + "#warn-form"; ev.preventDefault(); }
    } else if (item) {
      var can = item.getAttribute("data-can-act") === "1";
      if (can && key === "d") { submitItem("dismiss"); ev.preventDefault(); }
      else if (can && key === "h") { submitItem("hide"); ev.preventDefault(); }
      else if (can && key === "e") { submitItem("escalate"); ev.preventDefault(); }
      else if (can && key === "w") { var t = document.getElementById("warn-text"); if (t) { t.focus(); } ev.preventDefault(); }
      else if (key === "j") { var n = document.getElementById("next-item"); if (n) { window.location.href = n.href; } }
    }
  });
  if (item && window.location.hash === "#warn-form") {
    // After load: the browser's own scroll to the #fragment would otherwise take the focus back.
    window.addEventListener("load", function () {
      setTimeout(function () { var t = document.getElementById("warn-text"); if (t) { t.focus(); } }, 0);
    });
  }
})();
