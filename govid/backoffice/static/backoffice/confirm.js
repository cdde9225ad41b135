// The back office: a step that cannot be undone asks first. A form (or the button that sends
// it) marked data-confirm="question" opens the page's <dialog> with that question; "Xác nhận"
// sends the form as the button would have, "Hủy" (or Esc) leaves everything as it was.
// Without this file (or without <dialog>) the form posts at once, as it always did.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var question = dialog.querySelector(".confirm-question");
  var pending = null;  // the form and the button that asked
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var text = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (!text || form.getAttribute("data-confirmed") === "yes") { return; }
    event.preventDefault();
    pending = { form: form, submitter: submitter };
    question.textContent = text;
    dialog.returnValue = "";
    dialog.showModal();
    keepInSight(submitter || form);
  }, true);
  // The dialog sits at the top of the screen (backoffice.css); what it asks about stays in
  // sight below it: if the button (or form) would be under the dialog, the page moves down,
  // and where it cannot (the button is at the very top), the dialog opens under the button.
  function keepInSight(element) {
    dialog.style.marginTop = "";
    var under = dialog.getBoundingClientRect().bottom + 16;
    var top = element.getBoundingClientRect().top;
    if (top < under) { window.scrollBy(0, top - under); }
    var rect = element.getBoundingClientRect();
    if (rect.top < dialog.getBoundingClientRect().bottom + 16) {
      dialog.style.marginTop = Math.round(rect.bottom + 16) + "px";
    }
  }
  dialog.addEventListener("close", function () {
    var asked = pending;
    pending = null;
    if (!asked || dialog.returnValue !== "yes") {
      if (asked && asked.submitter) { asked.submitter.focus(); }
      return;
    }
    asked.form.setAttribute("data-confirmed", "yes");
    try {
      if (typeof asked.form.requestSubmit === "function") {
        asked.form.requestSubmit(asked.submitter || undefined);
      } else {
        if (asked.submitter && asked.submitter.name) {
          var value = document.createElement("input");
          value.type = "hidden";
          value.name = asked.submitter.name;
          value.value = asked.submitter.value;
          asked.form.appendChild(value);
        }
        asked.form.submit();
      }
    } finally {
      asked.form.removeAttribute("data-confirmed");
    }
  });
})();
