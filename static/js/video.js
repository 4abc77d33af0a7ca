// Click-to-load videos: nothing from YouTube or Facebook is requested until the reader clicks.
// Without this script the preview is a plain link to the video. No inline script, no eval: CSP-safe.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".video__link");
    var figure = link && link.closest("figure[data-embed]");
    if (!figure) { return; }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed");
    frame.title = figure.getAttribute("data-title");
    frame.className = "video__frame";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    link.replaceWith(frame);
    frame.focus();
  });
})();
