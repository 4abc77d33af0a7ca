// Photo order in the release admin's photo table: drag a row by its handle, or press its
// "move up" / "move down" buttons (the keyboard's way). Either renumbers the rows' order inputs
// 0, 1, 2… in the order shown, so saving stores what the editor sees. Rows without a photo (the
// blank extra row) are left alone: a changed order would make Django validate them as new photos.
// The button texts come from the order input's data attributes (translated by the server).
// Without this script the order inputs work as typed numbers. No inline script: CSP-safe.
(function () {
  "use strict";
  var SELECTOR = 'input[data-reorder="images"]';
  var dragged = null;

  function group(el) { return el.closest(".inline-group"); }
  function tbody(el) { return el.closest("tbody"); }
  function orderInput(row) { return row.querySelector(SELECTOR); }
  function hasPhoto(row) {
    if (row.classList.contains("has_original")) { return true; }
    var file = row.querySelector('input[type="file"]');
    return Boolean(file && file.files && file.files.length);
  }
  function photoRows(body) {
    return Array.prototype.filter.call(body.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form") && orderInput(row) && hasPhoto(row);
    });
  }
  function renumber(body) {
    photoRows(body).forEach(function (row, index) { orderInput(row).value = String(index); });
  }
  function announce(row) {
    var input = orderInput(row);
    var rows = photoRows(tbody(row));
    var status = group(row).querySelector(".reorder__status");
    if (!status) { return; }
    status.textContent = (input.getAttribute("data-moved") || "%(position)s / %(count)s")
      .replace("%(position)s", String(rows.indexOf(row) + 1)).replace("%(count)s", String(rows.length));
  }
  function moved(row) {
    renumber(tbody(row));
    announce(row);
    var form = row.closest("form");
    if (form) { form.setAttribute("data-reordered", "1"); }
  }

  function move(row, step) {
    var rows = photoRows(tbody(row));
    var index = rows.indexOf(row);
    var other = rows[index + step];
    if (index < 0 || !other) { return; }
    other.parentNode.insertBefore(row, step < 0 ? other : other.nextSibling);
    moved(row);
  }

  function button(text, className, step) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "reorder__button " + className;
    el.textContent = step < 0 ? "\u2191" : "\u2193";
    el.setAttribute("aria-label", text);
    el.title = text;
    el.addEventListener("click", function () {
      move(el.closest("tr"), step);
      el.focus();  // the row was moved in the page: keep the editor's place
    });
    return el;
  }

  function decorate(row) {
    var input = orderInput(row);
    if (!input || row.querySelector(".reorder")) { return; }
    var tools = document.createElement("span");
    tools.className = "reorder";
    var handle = document.createElement("span");
    handle.className = "reorder__handle";
    handle.draggable = true;
    handle.textContent = "\u2807";
    handle.title = input.getAttribute("data-drag") || "";
    handle.setAttribute("aria-hidden", "true");  // the buttons are the accessible way
    tools.appendChild(handle);
    tools.appendChild(button(input.getAttribute("data-move-up") || "Move up", "reorder__up", -1));
    tools.appendChild(button(input.getAttribute("data-move-down") || "Move down", "reorder__down", 1));
    input.insertAdjacentElement("afterend", tools);
  }

  function setUp(input) {
    var box = group(input);
    if (!box || box.hasAttribute("data-reorder-ready")) { return; }
    box.setAttribute("data-reorder-ready", "1");
    var status = document.createElement("p");
    status.className = "reorder__status visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);
    box.querySelectorAll("tr.form-row:not(.empty-form)").forEach(decorate);

    box.addEventListener("dragstart", function (event) {
      if (!event.target.classList || !event.target.classList.contains("reorder__handle")) { return; }
      dragged = event.target.closest("tr");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
      if (event.dataTransfer.setDragImage) { event.dataTransfer.setDragImage(dragged, 20, 20); }
      dragged.classList.add("reorder--dragging");
    });
    box.addEventListener("dragover", function (event) {
      var row = dragged && event.target.closest && event.target.closest("tr.form-row");
      if (!row || tbody(row) !== tbody(dragged) || photoRows(tbody(row)).indexOf(row) < 0) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      if (row === dragged) { return; }
      var rect = row.getBoundingClientRect();
      var after = event.clientY > rect.top + rect.height / 2;
      row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
    });
    box.addEventListener("drop", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    box.addEventListener("dragend", function () {
      if (!dragged) { return; }
      var row = dragged;
      dragged = null;
      row.classList.remove("reorder--dragging");
      moved(row);
    });
    var form = box.closest("form");
    if (form) {
      // A photo chosen in a new row after a move takes its place at the end, not order 0.
      form.addEventListener("submit", function () {
        if (form.hasAttribute("data-reordered")) { renumber(box.querySelector("tbody")); }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(SELECTOR).forEach(setUp);
  });
  document.addEventListener("formset:added", function (event) {
    if (event.detail && event.detail.formsetName === "images") { decorate(event.target); }
  });
})();
