// The ledger page's list of entries: the filters, the sort links and the pages load the list
// in place (the address changes as it would without this script, so Back and a copied link
// work), and the number of entries shown is announced. Without this script the same links
// and the same form load the whole page; anything that fails here falls back to that.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ledger-filters]");
  var results = document.getElementById("ledger-results");
  var announce = document.getElementById("ledger-announce");
  if (!form || !results || !announce || !window.fetch || !window.DOMParser || !window.URL) return;
  var defaultSort = form.getAttribute("data-default-sort");
  var pending = null;

  // The form's address as the server writes its links: empty filters and the default order
  // left out.
  function formAddress() {
    var url = new URL(form.action, window.location.href);
    var params = new URLSearchParams();
    form.querySelectorAll("select[name]").forEach(function (select) {
      if (select.value && !(select.name === "sort" && select.value === defaultSort)) {
        params.set(select.name, select.value);
      }
    });
    url.search = params.toString();
    url.hash = "";
    return url;
  }

  // The form shows what the address asks for (after Back and Forward).
  function syncForm(url) {
    form.querySelectorAll("select[name]").forEach(function (select) {
      var wanted = url.searchParams.get(select.name) || (select.name === "sort" ? defaultSort : "");
      if (select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) select.value = wanted;
    });
  }

  function load(url, push, focusKey) {
    if (pending) pending.abort();
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    results.setAttribute("aria-busy", "true");
    fetch(url.toString(), {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("ledger-results");
        if (!fresh) throw new Error("no list in the page");
        // A copy of the list's nodes first: adopting a node takes it out of the parsed page.
        results.replaceChildren.apply(
          results,
          Array.from(fresh.childNodes).map(function (node) {
            return document.adoptNode(node);
          })
        );
        var shown = new URL(url.toString());
        shown.hash = "entries";
        if (push) window.history.pushState({ ledger: true }, "", shown.toString());
        syncForm(url);
        var count = results.querySelector(".result-count");
        var said = results.querySelector(".count-text");
        announce.textContent = said ? said.textContent.trim() : "";
        // Focus where the reader was: the same sort link, or (after a page link or "every
        // entry", whose links are gone) the count at the top of the new list.
        var target = focusKey && (results.querySelector('[data-ledger-link="' + focusKey + '"]') || count);
        if (target) {
          target.focus();
          if (target === count) count.scrollIntoView({ block: "start" });
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        if (window.console) window.console.error(error);
        window.location.assign(url.toString()); // the page as it is without this script
      })
      .finally(function () {
        if (pending === controller) {
          pending = null;
          results.removeAttribute("aria-busy");
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(formAddress(), true, null);
  });
  // A changed filter shows its list at once; focus stays on the filter, the count is announced.
  form.addEventListener("change", function () {
    load(formAddress(), true, null);
  });
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-ledger-link], .pagination a");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    load(new URL(link.href), true, link.getAttribute("data-ledger-link") || "page");
  });
  window.addEventListener("popstate", function () {
    load(new URL(window.location.href), false, null);
  });
})();
