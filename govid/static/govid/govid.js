// govid: the "Gửi lại (N)" countdown and the code SMS's state on the reset page; a show /
// hide button on password fields.
// Pages work without this file; it only keeps them live.
(function () {
  "use strict";
  function start(button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10) || 0;
    var label = button.getAttribute("data-label");
    var hint = document.getElementById("resend-hint");
    var counters = [button.querySelector(".seconds"), hint && hint.querySelector(".seconds")];
    var deadline = Date.now() + left * 1000;
    function tick() {
      left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      if (left > 0) {
        counters.forEach(function (c) { if (c) { c.textContent = String(left); } });
        window.setTimeout(tick, 250);
      } else {
        // The button keeps the size it had while counting: nothing under the thumb moves.
        button.style.minWidth = button.getBoundingClientRect().width + "px";
        button.textContent = label;
        button.disabled = false;
        if (hint) { hint.hidden = true; }
      }
    }
    if (left > 0) { tick(); }
  }
  // While the code SMS is queued, ask the server every second what became of it.
  function follow(box) {
    var url = box.getAttribute("data-poll");
    var line = box.querySelector(".sms-status-text");
    var tries = 0;
    var leaving = false;  // once a form is sent, its answer decides what comes next
    document.addEventListener("submit", function () { leaving = true; });
    box.querySelectorAll(".no-script-only").forEach(function (e) { e.hidden = true; });
    function poll() {
      if (leaving) { return; }
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (leaving) { return; }
          if (s.reload) { window.location.reload(); return; }
          if (s.text && line) { line.textContent = s.text; }
          if (s.failed) { box.classList.remove("info"); box.classList.add("error"); }
          if (s.pending && tries < 600) { window.setTimeout(poll, 1000); }
        })
        .catch(function () { if (tries < 600) { window.setTimeout(poll, 3000); } });
    }
    window.setTimeout(poll, 500);
  }
  // "Hiện" / "Ẩn" next to each password field: check what was typed before sending it.
  function reveal(input) {
    var labels = document.body.dataset;
    if (!labels.showPassword) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.textContent = labels.showPassword;
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.textContent = shown ? labels.hidePassword : labels.showPassword;
      button.setAttribute("aria-pressed", String(shown));
    });
    input.insertAdjacentElement("afterend", button);
    input.parentNode.classList.add("has-reveal");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(start);
    document.querySelectorAll("[data-poll]").forEach(follow);
    document.querySelectorAll("input[type=password][id]").forEach(reveal);
  });
})();
