// The "Print" button of a comparison: hidden without JavaScript (the browser's own print
// command works as well), shown and wired here. No inline script: the CSP forbids it.
"use strict";
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
