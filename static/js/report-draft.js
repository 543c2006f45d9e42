// Keep a copy of what is typed in the browser too: a dropped connection loses nothing.
// The form says when the server has the text (data-submitted), and the copy is dropped.
(function () {
  var form = document.getElementById("report-form"); if (!form || !window.localStorage) return;
  var key = form.dataset.store, areas = form.querySelectorAll("textarea"), saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.length === areas.length) areas.forEach(function (a, i) { if (!a.value && saved[i]) a.value = saved[i]; });
  form.addEventListener("input", function () { localStorage.setItem(key, JSON.stringify([].map.call(areas, function (a) { return a.value; }))); });
  if (form.hasAttribute("data-submitted")) localStorage.removeItem(key);
})();
