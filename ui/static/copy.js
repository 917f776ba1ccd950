// copy.js: the "Copy" buttons next to one-time links and keys. Without
// JavaScript the buttons stay hidden and the value is selected by hand.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-copy]");
    var input = b && document.getElementById(b.dataset.copy);
    if (!input) return;
    input.select();
    var done = function () { b.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (ev) { reveal(ev.target); });
})();
