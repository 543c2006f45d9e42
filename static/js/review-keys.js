// A reviewer moves through their list with the keyboard: J the next report, K the previous
// one (the links carry data-key). Keys typed into a field, or with a modifier, are text.
document.addEventListener("keydown", function (event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  var target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  var key = event.key.toLowerCase();
  var link = document.querySelector('a[data-key="' + key + '"]');
  if (link && (key === "j" || key === "k")) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
