/* Suggestions while typing in the search page's field, offered through a <datalist>.
   Progressive enhancement only: without this script the GET form works the same. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) {
    return;
  }
  var list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.parentNode.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = null;
  var last = "";

  function show(typed, data) {
    if (!data || input.value.trim() !== typed) {
      return;
    }
    list.textContent = "";
    data.suggestions.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.label;
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var typed = input.value.trim();
      if (typed.length < 2 || typed === last) {
        return;
      }
      last = typed;
      var url = input.getAttribute("data-suggest") + "&q=" + encodeURIComponent(typed);
      window.fetch(url, {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { show(typed, data); })
        .catch(function () { /* suggestions are optional */ });
    }, 200);
  });
}());
