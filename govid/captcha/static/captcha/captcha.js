// govid: run ALTCHA's proof of work in a worker served from this site (no other host, no
// inline script). Loaded after the widget's Vietnamese strings and before the widget itself,
// so the algorithm is known when the widget starts solving on page load.
(function () {
  "use strict";
  var widget = document.querySelector("altcha-widget[data-worker]");
  if (!widget || !globalThis.$altcha) { return; }
  var url = widget.getAttribute("data-worker");
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", function () { return new Worker(url); });
})();
