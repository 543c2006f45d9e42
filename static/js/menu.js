// The top menu is one <details>: open as a row on a wide screen, one "Danh mục" control
// on a phone. Without this script it stays a control that opens on a tap.
(function () {
  var menu = document.getElementById("menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 641px)");
  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
})();
