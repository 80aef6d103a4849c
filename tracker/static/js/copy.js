// Copy buttons for the snippets marked data-copy (the badge's Markdown and HTML on a company
// page). Without this script the snippets are there to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (block) {
    var button = document.createElement("button");
    var label = block.getAttribute("data-copy-label");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = label;
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(block.textContent).then(
        function () {
          status.textContent = block.getAttribute("data-copied-label");
          window.setTimeout(function () { status.textContent = ""; }, 3000);
        },
        function () {
          // Refused (no permission): select the text, for Ctrl+C.
          var range = document.createRange();
          range.selectNodeContents(block);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
      );
    });
    block.parentNode.insertBefore(button, block.nextSibling);
    block.parentNode.insertBefore(status, button.nextSibling);
  });
})();
