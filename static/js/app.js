/* RCM Commitment Tracker — progressive enhancement only: every page works without this file.
   - On a narrow screen the header's menu folds behind a "Menu" button.
   - Switching the language keeps what was typed in the page's forms: the text is kept in this tab
     (sessionStorage) and put back, by field name, once, on the page the switch leads to (the same
     page, or the one a form's POST-only address stands for).
     (A refused report and the declaration preview are also kept on the server, without script.) */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var KEY = "rcm-draft";

  function fields() {
    return Array.prototype.slice.call(document.querySelectorAll(
      "main form[method=post] input:not([type=hidden]):not([type=file]):not([type=password]), " +
      "main form[method=post] textarea, main form[method=post] select"
    ));
  }

  // A box or a choice is known by its name and value; other fields by their name and their place
  // among the fields of that name.
  function keys() {
    var seen = {};
    return fields().map(function (field) {
      if (field.type === "checkbox" || field.type === "radio") { return [field, field.name + "=" + field.value]; }
      seen[field.name] = (seen[field.name] || 0) + 1;
      return [field, field.name + "#" + seen[field.name]];
    });
  }

  function keep() {
    var values = {};
    keys().forEach(function (pair) {
      var field = pair[0];
      values[pair[1]] = (field.type === "checkbox" || field.type === "radio") ? field.checked : field.value;
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(values)); } catch (e) { /* private mode: nothing kept */ }
  }

  function restore() {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); } catch (e) { kept = null; }
    if (!kept) { return; }
    keys().forEach(function (pair) {
      var field = pair[0];
      if (!(pair[1] in kept)) { return; }
      if (field.type === "checkbox" || field.type === "radio") { field.checked = kept[pair[1]]; }
      else { field.value = kept[pair[1]]; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    var switcher = document.querySelector("form.language-switch");
    if (switcher) { switcher.addEventListener("submit", keep); }

    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  });
})();
