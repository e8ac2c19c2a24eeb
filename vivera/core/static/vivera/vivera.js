// Vivera's small enhancements. Every page works without them: the menu then stays open and a
// wide table scrolls sideways instead of becoming cards.
(function () {
  "use strict";
  document.documentElement.classList.add("vivera-js");

  // The menu button of a narrow screen (base.html): shows and hides the menu, Escape closes it.
  var button = document.querySelector("[data-vivera-menu-button]");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (button && menu) {
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("vivera-menu--open", open);
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // Tables as cards on a narrow screen (vivera.css, .vivera-stack): every cell carries its
  // column's header as a label, and the table keeps its roles for screen readers, which drop
  // them when CSS changes a table's display.
  function stack(table) {
    if (table.classList.contains("vivera-monitor-table")) return; // figures scroll, never stack
    var headers = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    table.classList.add("vivera-stack");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.querySelectorAll("tr"), function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.children, function (cell, index) {
        var header = cell.tagName === "TH";
        if (row.parentElement.tagName === "THEAD") {
          cell.setAttribute("role", "columnheader");
          return;
        }
        cell.setAttribute("role", header ? "rowheader" : "cell");
        if (headers[index]) cell.setAttribute("data-label", headers[index]);
      });
    });
  }
  function stackWithin(root) {
    if (root.matches && root.matches("table.utrecht-table")) stack(root);
    var table = root.closest ? root.closest("table.utrecht-table") : null;
    if (table) stack(table);
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll("table.utrecht-table"), stack);
    }
  }
  stackWithin(document);
  // A row swapped in by htmx (the waiting list's "assign") gets its labels too.
  document.addEventListener("htmx:load", function (event) { stackWithin(event.detail.elt); });
})();
