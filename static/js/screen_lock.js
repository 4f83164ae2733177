// The screen lock: after data-lock-after minutes without a key, click, touch or
// scroll, the page locks the session (the top bar's "Lock screen" form), and the
// server asks for the password before showing any page again. 0 turns it off.
(function () {
  "use strict";
  var minutes = parseFloat(document.body.dataset.lockAfter || "0");
  var form = document.getElementById("screen-lock");
  if (!form || !(minutes > 0)) {
    return;
  }
  var last = Date.now();
  ["keydown", "mousedown", "mousemove", "touchstart", "wheel", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () { last = Date.now(); }, { passive: true });
  });
  var timer = window.setInterval(function () {
    if (Date.now() - last >= minutes * 60000) {
      window.clearInterval(timer);
      form.submit();
    }
  }, 1000);
})();
