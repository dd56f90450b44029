/* Progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  var MORE = "展开全文";
  var LESS = "收起";

  /* Long texts are clamped to two lines by CSS; add a button where text is cut off. */
  function enhanceClamps(scope) {
    var items = (scope || document).querySelectorAll(".clamp:not([data-clamp-ready])");
    Array.prototype.forEach.call(items, function (el) {
      el.setAttribute("data-clamp-ready", "");
      if (el.scrollHeight <= el.clientHeight + 2) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "clamp-toggle";
      button.textContent = MORE;
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () {
        var open = el.classList.toggle("is-open");
        button.textContent = open ? LESS : MORE;
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
      el.insertAdjacentElement("afterend", button);
    });
  }

  /* After an HTMX swap, move focus to the first heading or field of the new content. */
  function focusSwapped(evt) {
    var target = evt.detail && evt.detail.target;
    if (!target || target.id === "ledger-results") {
      return;
    }
    var field = target.querySelector("[autofocus], textarea, input:not([type=hidden])");
    var heading = target.querySelector("h2");
    if (field) {
      field.focus();
    } else if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  /* Filters: leave empty fields out of the request, so the bookmarked URL stays short. */
  function dropEmptyParameters(evt) {
    if (evt.detail.verb !== "get") {
      return;
    }
    var params = evt.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") {
        delete params[key];
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceClamps(document);
    document.body.addEventListener("htmx:configRequest", dropEmptyParameters);
    document.body.addEventListener("htmx:afterSettle", function (evt) {
      enhanceClamps(evt.detail.target);
      focusSwapped(evt);
    });
  });
})();
