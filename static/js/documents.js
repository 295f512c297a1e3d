/* Văn bản: small progressive enhancements. Every page works without this file.
 *
 * - "Chọn tất cả" checkboxes of the bulk-action tables, with a live count of the selected rows
 *   and the bulk buttons enabled only when something is selected;
 * - the same after htmx swaps a result table in (event delegation on the document).
 *
 * Served from /static/ (the Content-Security-Policy forbids inline scripts).
 */
(function () {
  "use strict";

  function rowBoxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][data-row-select]"));
  }

  function refresh(form) {
    if (!form) {
      return;
    }
    var boxes = rowBoxes(form);
    var selected = boxes.filter(function (box) { return box.checked; }).length;
    var all = form.querySelector("input[type=checkbox][data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && selected === boxes.length;
      all.indeterminate = selected > 0 && selected < boxes.length;
    }
    var counter = form.querySelector("[data-selected-count]");
    if (counter) {
      counter.textContent = selected === 0 ? "Chưa chọn văn bản nào." : "Đã chọn " + selected + " dòng.";
    }
    form.querySelectorAll("button[data-needs-selection]").forEach(function (button) {
      button.disabled = selected === 0;
    });
  }

  function init(root) {
    (root || document).querySelectorAll("form[data-bulk-form]").forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") {
      return;
    }
    var form = target.closest("form[data-bulk-form]");
    if (!form) {
      return;
    }
    if (target.hasAttribute("data-select-all")) {
      rowBoxes(form).forEach(function (box) { box.checked = target.checked; });
    }
    refresh(form);
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
