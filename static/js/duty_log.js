// The duty-log form: Ctrl+Enter (or Cmd+Enter) records from any field, so a call is
// entered without leaving the keyboard.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target.closest && event.target.closest(".duty-entry form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
