// One-click accept of the countries and topics a release's text names (admin). The suggestions
// follow the title and body as they are typed; a click adds one to its autocomplete field.
// Without this script the suggestions stay a text list and the editor adds them by hand.
// No inline script, no eval: CSP-safe.
(function () {
  "use strict";
  function chosen(select) {
    return Array.prototype.map.call(select.selectedOptions, function (option) { return option.value; });
  }
  function add(suggestion) {
    var select = document.querySelector("select[name=" + suggestion.field + "]");
    if (!select || chosen(select).indexOf(String(suggestion.id)) !== -1) { return; }
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(suggestion.id); });
    if (!option) {
      option = new Option(suggestion.text, suggestion.id, true, true);
      select.appendChild(option);
    }
    option.selected = true;
    // The autocomplete widget (select2, on Django's jQuery) redraws on "change".
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).trigger("change");
    } else {
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }
  function setUp(box) {
    var form = box.closest("form");
    if (!form) { return; }
    var fields = ["title", "body"].map(function (name) { return form.querySelector("[name=" + name + "]"); });
    var latest = [];
    var sent = 0;
    var timer = null;
    function button(label, onClick, className) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = className;
      element.textContent = label;
      element.addEventListener("click", function () { onClick(); draw(); });
      return element;
    }
    function draw() {
      var open = latest.filter(function (suggestion) {
        var select = document.querySelector("select[name=" + suggestion.field + "]");
        return select && chosen(select).indexOf(String(suggestion.id)) === -1;
      });
      box.textContent = "";
      if (!open.length) {
        box.textContent = box.getAttribute("data-nothing");
        return;
      }
      open.forEach(function (suggestion) {
        box.appendChild(button("+ " + suggestion.text + " (" + suggestion.kind + ")", function () { add(suggestion); }, "button taxonomy-suggestion"));
      });
      if (open.length > 1) {
        box.appendChild(button(box.getAttribute("data-accept-all"), function () { open.forEach(add); }, "button taxonomy-accept-all"));
      }
    }
    function refresh() {
      var number = ++sent;
      var data = new FormData();
      fields.forEach(function (field) { if (field) { data.append(field.name, field.value); } });
      window.newsroomPostJSON(box.getAttribute("data-suggest-url"), data, form).then(function (result) {
        if (result && number === sent) {
          latest = result.suggestions;
          draw();
        }
      });
    }
    fields.forEach(function (field) {
      if (!field) { return; }
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 500);
      });
    });
    // An option removed by hand in the autocomplete is offered again.
    ["countries", "topics"].forEach(function (name) {
      var select = document.querySelector("select[name=" + name + "]");
      if (select && window.django && window.django.jQuery) {
        window.django.jQuery(select).on("change", draw);
      } else if (select) {
        select.addEventListener("change", draw);
      }
    });
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".taxonomy-suggestions[data-suggest-url]").forEach(setUp);
  });
})();
