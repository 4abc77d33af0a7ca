// POST form data to one of the admin's JSON endpoints with the page's CSRF token (admin scripts
// share it). Resolves to the JSON, or null when refused. No inline script, no eval: CSP-safe.
window.newsroomPostJSON = function (url, data, form) {
  "use strict";
  var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: {"X-CSRFToken": token ? token.value : ""}
  }).then(function (response) {
    return response.ok ? response.json() : null;
  });
};
