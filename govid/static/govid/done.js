// govid: the reset's last step as the seed shows it: "Thành công!" in a dialog over the reset
// page. "Đóng" and Escape both lead to the login page.
// Without this file the same words are the page itself, and "Đóng" is a link to the login page.
(function () {
  "use strict";
  var dialog = document.getElementById("done");
  var close = dialog && dialog.querySelector("a[href]");
  if (!close || typeof dialog.showModal !== "function") { return; }
  dialog.addEventListener("close", function () {
    // The close() just below queues a "close" too; by then the dialog is open again.
    if (!dialog.open) { window.location.assign(close.href); }
  });
  dialog.close();  // open in the page without scripts; modal, over the page, with them
  dialog.showModal();
  close.focus();
})();
