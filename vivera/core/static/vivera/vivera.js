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

  // Type-ahead comboboxes (core/widgets.py ComboboxSelect) on GOV.UK's accessible-autocomplete:
  // the select stays in the form, hidden, and carries the value; the text box in front of it
  // filters the options as you type, the first match is highlighted, Enter picks it (and saves
  // the form where the field asks for that), Tab picks it and moves on.
  function combobox(select) {
    if (!window.accessibleAutocomplete || select.dataset.viveraEnhanced) return;
    select.dataset.viveraEnhanced = "1";
    var id = select.id;
    var data = select.dataset;
    var describedBy = select.getAttribute("aria-describedby");
    var focus = select.hasAttribute("autofocus");
    var enter = false;
    var input = null;
    var optionFor = function (text) {
      var wanted = (text || "").trim().toLowerCase();
      return Array.prototype.find.call(select.options, function (option) {
        return option.value && option.textContent.trim().toLowerCase() === wanted;
      });
    };
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      autoselect: true,
      showAllValues: true,
      confirmOnBlur: true,
      tNoResults: function () { return data.noResults; },
      tStatusQueryTooShort: function () { return data.queryTooShort; },
      tStatusNoResults: function () { return data.noResults; },
      tStatusSelectedOption: function (option) { return option; },
      tStatusResults: function (count, selected) {
        return data.results.replace("%(count)s", count) + " " + selected;
      },
      tAssistiveHint: function () { return data.hint; },
      onConfirm: function (label) {
        // On leaving the box without a highlighted option the library passes nothing: then the
        // text as typed decides, and text that names no option leaves the field empty, so the
        // server asks for a choice instead of keeping an old one out of sight.
        var option = optionFor(label !== undefined ? label : input && input.value);
        select.value = option ? option.value : "";
        if (option && enter && "submitOnEnter" in data && select.form) {
          enter = false;
          window.setTimeout(function () { select.form.requestSubmit(); }, 0);
        }
      },
    });
    input = document.getElementById(id);
    if (!input) return;
    input.classList.add("vivera-combobox__input");
    if (describedBy) {
      var own = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", own ? own + " " + describedBy : describedBy);
    }
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
    input.addEventListener("keydown", function (event) { enter = event.key === "Enter"; }, true);
    if (focus) input.focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-vivera-combobox]"), combobox);

  // A form came back with errors: the summary at its top takes the focus, so a screen reader
  // reads every problem at once and a keyboard user follows its links to the fields.
  var summary = document.querySelector("[data-vivera-error-summary]");
  if (summary) {
    summary.focus();
    // A link to a field focuses the field itself, not only the place on the page.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      // With its label and message in view, not just the box.
      (field.closest(".utrecht-form-field") || field).scrollIntoView();
    });
  }
  // A row swapped in by htmx (the waiting list's "assign") gets its labels too.
  document.addEventListener("htmx:load", function (event) { stackWithin(event.detail.elt); });
})();
