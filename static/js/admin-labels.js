// Accessible names for the admin's select2 boxes (autocomplete fields). Select2 draws its own
// combobox and search field next to the hidden <select>, unlabelled: each takes the text of the
// <select>'s own <label>. Watches for boxes drawn later (inline rows added). No inline script: CSP-safe.
(function () {
  "use strict";
  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  function name(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var text = labelFor(select);
    if (!text) return;
    container.querySelectorAll(".select2-selection, .select2-selection__rendered[role], .select2-search__field").forEach(function (el) {
      if (el.getAttribute("aria-label") !== text) {
        el.setAttribute("aria-label", text);
        el.removeAttribute("aria-labelledby");
      }
    });
  }
  function all() {
    document.querySelectorAll("span.select2-container").forEach(name);
    // Select2's "clear all" cross sits directly inside its list of choices (not a list item):
    // a mouse-only control, so hidden from assistive technology as its per-choice crosses are.
    document.querySelectorAll("ul.select2-selection__rendered > span.select2-selection__clear").forEach(function (el) {
      el.setAttribute("aria-hidden", "true");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    all();
    new MutationObserver(all).observe(document.body, { childList: true, subtree: true });
  });
})();
