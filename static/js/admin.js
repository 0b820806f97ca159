/* Progressive enhancement for the editorial area; every form works without it.
   - Long checkbox lists (municipalities, linked entries) get a search-as-you-type filter.
   - The error summary takes focus, so screen reader and keyboard users land on it. */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function addFilter(group, index) {
    var legend = group.querySelector("legend");
    var box = document.createElement("p");
    box.className = "filter-box";
    var id = "choice-filter-" + index;
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = (document.documentElement.lang === "sv" ? "Filtrera: " : "Filter: ") +
      (legend ? legend.textContent : "");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    box.appendChild(label);
    box.appendChild(input);
    legend.insertAdjacentElement("afterend", box);

    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      group.querySelectorAll(".choice").forEach(function (choice) {
        var box = choice.querySelector("input");
        var show = !query || (box && box.checked) || fold(choice.textContent).indexOf(query) !== -1;
        if (show) { choice.removeAttribute("data-hidden-by-filter"); }
        else { choice.setAttribute("data-hidden-by-filter", ""); }
      });
      group.querySelectorAll(".choice-group").forEach(function (sub) {
        var visible = sub.querySelector(".choice:not([data-hidden-by-filter])");
        if (visible) { sub.removeAttribute("data-hidden-by-filter"); }
        else { sub.setAttribute("data-hidden-by-filter", ""); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filterable]").forEach(addFilter);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
}());
