// The "report being prepared" page tries the download again by itself after the seconds its
// countdown names, unless the reader stops it (WCAG 2.2.1: a time limit the reader can turn
// off; a <meta http-equiv="refresh"> could not be stopped). Without this script the page
// stays as it is, with its "Try again now" link.
(function () {
  "use strict";
  var box = document.querySelector("[data-retry-seconds]");
  if (!box) return;
  var retry = document.querySelector("[data-retry-link]");
  var stop = box.querySelector("[data-retry-stop]");
  var timer = window.setTimeout(function () {
    window.location.assign(retry.getAttribute("href"));
  }, 1000 * Number(box.getAttribute("data-retry-seconds")));
  box.hidden = false;
  stop.addEventListener("click", function () {
    window.clearTimeout(timer);
    box.querySelector("[data-retry-running]").hidden = true;
    stop.hidden = true;
    box.querySelector("[data-retry-stopped]").hidden = false;
  });
})();
