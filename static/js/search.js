// Keyboard use of the household search: ↓/↑ move through the results, Enter opens one.
(function () {
  "use strict";
  function links(box) {
    var list = document.querySelector(box.dataset.results);
    return list ? Array.prototype.slice.call(list.querySelectorAll("a.row")) : [];
  }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("household-q");
    if (!box) return;
    var rows = links(box);
    if (!rows.length) return;
    var at = rows.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && (event.target === box || at >= 0)) {
      rows[Math.min(at + 1, rows.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? box : rows[at - 1]).focus();
      event.preventDefault();
    } else if (event.key === "Escape" && at >= 0) {
      box.focus();
    }
  });
})();
