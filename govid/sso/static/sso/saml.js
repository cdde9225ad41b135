// The SAML answer page: post the signed Response to the service provider at once (the button
// stays for a browser without scripts).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) {
    form.submit();
  }
});
