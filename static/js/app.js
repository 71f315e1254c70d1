/* RCM Commitment Tracker — progressive enhancement only: every page works without this file.
   - On a narrow screen the header's menu folds behind a "Menu" button.
   - Switching the language keeps what was typed in the page's forms: the text is kept in this tab
     (sessionStorage) for the same address and put back once, when the page comes back translated.
     (A refused report is also kept on the server, so it survives without script.) */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var KEY = "rcm-draft:" + location.pathname + location.search;

  function fields() {
    return Array.prototype.slice.call(document.querySelectorAll(
      "main form[method=post] input:not([type=hidden]):not([type=file]):not([type=password]), " +
      "main form[method=post] textarea, main form[method=post] select"
    ));
  }

  function keep() {
    var values = {};
    fields().forEach(function (field, index) {
      var name = (field.name || "") + "#" + index;
      if (field.type === "checkbox" || field.type === "radio") { values[name] = field.checked; }
      else if (field.value) { values[name] = field.value; }
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(values)); } catch (e) { /* private mode: nothing kept */ }
  }

  function restore() {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); } catch (e) { kept = null; }
    if (!kept) { return; }
    fields().forEach(function (field, index) {
      var name = (field.name || "") + "#" + index;
      if (!(name in kept)) { return; }
      if (field.type === "checkbox" || field.type === "radio") { field.checked = kept[name]; }
      else if (!field.value) { field.value = kept[name]; }
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
