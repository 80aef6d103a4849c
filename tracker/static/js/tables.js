// Sortable tables, progressively enhanced. Without JavaScript a column header is a link that
// asks the server for the table sorted (?sort=overall&order=desc); with it, a table whose rows
// are all on the page (data-complete) is sorted here, as the server sorts it, and the link's
// address goes into the location bar (so it can be shared and reloaded). A table shown a page
// at a time keeps its links: only the server can sort every page.
//
// Markup (templates/macros.html, sort_header): <table data-sortable data-complete
// data-sort-param="sort" data-order-param="order">; a header <th aria-sort> holds
// <a data-sort-key="c1" data-first-order="desc">; the header's data-sort-type is "number"
// (a cell that is not a number goes last), "text" or "key" (the row's data-key, also every
// tie-break: the company's English name, the item's place in the checklist). A cell's
// data-sort-value, when present, is sorted instead of its text.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var given = cell.getAttribute("data-sort-value");
    return (given !== null ? given : cell.textContent).trim();
  }

  function compareRows(type, index, descending) {
    return function (a, b) {
      var keyA = a.getAttribute("data-key") || "";
      var keyB = b.getAttribute("data-key") || "";
      var tie = keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
      if (type === "key") { return descending ? -tie : tie; }
      var va = cellValue(a, index);
      var vb = cellValue(b, index);
      if (type === "number") {
        var na = /^-?[0-9]+(\.[0-9]+)?$/.test(va) ? parseFloat(va) : null;
        var nb = /^-?[0-9]+(\.[0-9]+)?$/.test(vb) ? parseFloat(vb) : null;
        if (na === null || nb === null) {
          return na === nb ? tie : na === null ? 1 : -1;  // no number: last, either way
        }
        return na === nb ? tie : (descending ? nb - na : na - nb);
      }
      if (va === "" || vb === "") { return va === vb ? tie : va === "" ? 1 : -1; }
      var order = va < vb ? -1 : va > vb ? 1 : 0;
      return order === 0 ? tie : (descending ? -order : order);
    };
  }

  function enhance(table) {
    var sortParam = table.getAttribute("data-sort-param") || "sort";
    var orderParam = table.getAttribute("data-order-param") || "order";
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var links = table.tHead.querySelectorAll("a[data-sort-key]");

    function update(key, order) {
      headers.forEach(function (th) {
        var link = th.querySelector("a[data-sort-key]");
        if (!link) { return; }
        var mark = link.querySelector(".sort-mark");
        var own = link.getAttribute("data-sort-key") === key;
        if (own) {
          th.setAttribute("aria-sort", order === "desc" ? "descending" : "ascending");
        } else {
          th.removeAttribute("aria-sort");
        }
        if (mark) { mark.textContent = own ? (order === "desc" ? "▼" : "▲") : ""; }
        var next = new URL(link.href, window.location.href);
        next.searchParams.set(sortParam, link.getAttribute("data-sort-key"));
        next.searchParams.set(
          orderParam,
          own ? (order === "desc" ? "asc" : "desc") : link.getAttribute("data-first-order")
        );
        link.href = next.toString();
      });
    }

    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return;  // a new tab or window: the server's page
        }
        event.preventDefault();
        var target = new URL(link.href, window.location.href);
        var key = target.searchParams.get(sortParam);
        var order = target.searchParams.get(orderParam);
        var th = link.closest("th");
        var index = headers.indexOf(th);
        var type = th.getAttribute("data-sort-type") || "text";
        Array.prototype.forEach.call(table.tBodies, function (body) {
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(compareRows(type, index, order === "desc"));
          rows.forEach(function (row) { body.appendChild(row); });
        });
        update(key, order);
        window.history.replaceState(null, "", target.toString());
        link.focus();
      });
    });
  }

  document.querySelectorAll("table[data-sortable][data-complete]").forEach(enhance);
})();
