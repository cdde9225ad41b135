// govid: loads the strength meter (strength.js and zxcvbn-ts with its dictionary, ~250 KB)
// only when a new password is first typed, so a slow phone opens the page at once.
// If the scripts never come, nothing waits for them: the server checks the password anyway.
(function () {
  "use strict";
  var me = document.currentScript;
  var sources = ((me && me.getAttribute("data-load")) || "").split(" ").filter(Boolean);
  var box = document.querySelector("[data-strength-for]");
  var input = box && document.getElementById(box.getAttribute("data-strength-for"));
  if (!input || !sources.length) { return; }
  function load() {
    input.removeEventListener("input", load);
    sources.forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;  // run in order: the library, its dictionary, then the meter
      document.head.appendChild(script);
    });
  }
  input.addEventListener("input", load);
})();
