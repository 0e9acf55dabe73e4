/* Sortable tables: turns each header of a table[data-sortable] into a button.
   Without JavaScript the table keeps its server order (by state). */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(a, b, type) {
    if (a === "" || b === "") {
      return a === b ? 0 : a === "" ? 1 : -1; // blanks last in both directions
    }
    return type === "number" ? Number(a) - Number(b) : a.localeCompare(b);
  }

  function sortBy(table, header, index) {
    var direction = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var sign = direction === "ascending" ? 1 : -1;
    var type = header.getAttribute("data-sort-type") || "text";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", direction);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = cellValue(r1, index);
      var b = cellValue(r2, index);
      if (a === "" || b === "") return compare(a, b, type);
      return sign * compare(a, b, type) || cellValue(r1, 0).localeCompare(cellValue(r2, 0));
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enhance(table) {
    if (table.getAttribute("data-sort-ready")) return;
    table.setAttribute("data-sort-ready", "true");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = header.textContent.trim();
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }

  function enhanceAll() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  document.addEventListener("DOMContentLoaded", enhanceAll);
  document.addEventListener("htmx:afterSettle", enhanceAll);
})();
