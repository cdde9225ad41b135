// govid: the "Gửi lại (N)" countdown. Pages work without this file; it only keeps N live.
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
        button.textContent = label;
        button.disabled = false;
        if (hint) { hint.hidden = true; }
      }
    }
    if (left > 0) { tick(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(start);
  });
})();
