// govid: the live strength meter under a new password (reset and change pages), loaded by
// strength-loader.js on the first keystroke.
// Without this file the page works the same; the server checks the password either way.
(function () {
  "use strict";
  var box = document.querySelector("[data-strength-for]");
  var lib = window.zxcvbnts;
  if (!box || !lib || !lib.core || !lib["language-common"]) { return; }
  var input = document.getElementById(box.getAttribute("data-strength-for"));
  if (!input) { return; }
  var common = lib["language-common"];
  var estimator = new lib.core.ZxcvbnFactory({
    dictionary: common.dictionary,
    graphs: common.adjacencyGraphs
  });
  var meter = box.querySelector("meter");
  var text = box.querySelector(".strength-text");
  // The account's own name is the first thing a guesser tries.
  var hints = (box.getAttribute("data-user-inputs") || "").split(/[^A-Za-z0-9]+/).filter(Boolean);
  var timer = null;
  function update() {
    var value = input.value;
    if (!value) {
      box.hidden = true;
      return;
    }
    var score = estimator.check(value, hints).score;  // 0 (guessed at once) .. 4 (very hard)
    meter.value = score;
    text.textContent = box.getAttribute("data-label-" + score);
    box.setAttribute("data-score", String(score));
    box.hidden = false;
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 120);
  });
  update();  // what was typed while this file was on its way
})();
