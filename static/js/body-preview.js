// Live preview of a release body beside its text area (admin). No inline script, no eval: CSP-safe.
(function () {
  "use strict";
  function setUp(area) {
    var form = area.form;
    var preview = document.createElement("div");
    preview.className = "body-preview release__body";
    preview.setAttribute("role", "region");  // aria-label is allowed on a region, not on a bare div
    preview.setAttribute("aria-live", "polite");
    preview.setAttribute("aria-label", area.getAttribute("data-preview-label") || "Preview");
    preview.lang = "th";
    area.parentNode.insertBefore(preview, area.nextSibling);
    area.parentNode.classList.add("body-preview-pair");
    var timer = null;
    var sent = 0;
    function refresh() {
      var number = ++sent;
      var data = new FormData();
      data.append("body", area.value);
      window.newsroomPostJSON(area.getAttribute("data-preview-url"), data, form).then(function (result) {
        // The server's renderer sanitised this HTML with the same allow-list as the public page.
        if (result && number === sent) { preview.innerHTML = result.html; }
      });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-preview-url]").forEach(setUp);
  });
})();
