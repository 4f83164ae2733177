// Small helpers of the desk's forms, without inline scripts.
// - A select with data-project-field offers only the options of the project chosen in that field.
// - A time field with data-presets gets quick choices beside it (+30 minutes, end of the working day…).
(function () {
  "use strict";

  function narrowToProject(select) {
    var projectField = document.getElementById(select.dataset.projectField);
    if (!projectField) return;
    function apply() {
      var project = projectField.value;
      Array.prototype.forEach.call(select.options, function (option) {
        var other = option.dataset.project && project && option.dataset.project !== project;
        option.hidden = !!other;
        option.disabled = !!other;
        if (other && option.selected) select.value = "";
      });
    }
    projectField.addEventListener("change", apply);
    apply();
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The page's local time ("YYYY-MM-DDTHH:MM", the desk's time zone) plus minutes, counted as
  // UTC arithmetic so that the browser's own time zone does not matter.
  function shifted(base, minutes) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(base);
    if (!m) return "";
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + minutes * 60000;
    var d = new Date(t);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  function addPresets(input) {
    var presets;
    try { presets = JSON.parse(input.dataset.presets); } catch (e) { return; }
    var loaded = Date.now();
    var row = document.createElement("div");
    row.className = "presets";
    presets.forEach(function (preset) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary preset";
      button.textContent = preset.label;
      button.addEventListener("click", function () {
        if (preset.at) {
          input.value = preset.at;
        } else {
          var elapsed = Math.floor((Date.now() - loaded) / 60000);
          input.value = shifted(input.dataset.now, preset.minutes + elapsed);
        }
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      row.appendChild(button);
    });
    input.insertAdjacentElement("afterend", row);
  }

  function init() {
    document.querySelectorAll("select[data-project-field]").forEach(narrowToProject);
    document.querySelectorAll("input[data-presets]").forEach(addPresets);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// A select marked data-autosubmit sends its form when a choice is made (the project picker).
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
    select.form.submit();
  }
});
