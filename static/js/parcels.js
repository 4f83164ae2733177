// The mail receiving page: a scanner types the tracking number and presses Enter. Enter in
// the tracking number moves to the unit while the unit is empty (so a scan does not send a
// half row); Enter in the unit adds the row. After each row the tracking number is ready.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.id !== "id_tracking_number") return;
    var form = event.target.closest("form");
    var unit = form && form.querySelector("#id_unit");
    if (unit && !unit.value.trim()) {
      event.preventDefault();
      unit.focus();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var area = document.getElementById("receive-area");
    if (!area || !area.contains(event.detail.elt)) return;
    var field = area.querySelector(".has-error input") || area.querySelector("#id_tracking_number");
    if (field) field.focus();
  });
})();
