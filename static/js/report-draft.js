// Keep a copy of what is typed in the browser too: a dropped connection loses nothing.
// A form says when the server has the text (data-submitted), and its copy is dropped.
(function () {
  if (!window.localStorage) return;
  document.querySelectorAll("form[data-store]").forEach(function (form) {
    var key = form.dataset.store, areas = form.querySelectorAll("textarea"), saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.length === areas.length) areas.forEach(function (a, i) { if (!a.value && saved[i]) a.value = saved[i]; });
    form.addEventListener("input", function () { localStorage.setItem(key, JSON.stringify([].map.call(areas, function (a) { return a.value; }))); });
    if (form.hasAttribute("data-submitted")) localStorage.removeItem(key);
  });
})();
