// A news item's reading controls: text size (kept in this browser) and read-aloud with the
// browser's own speech, a Vietnamese voice where one is installed; nothing leaves the device.
(function () {
  var article = document.getElementById("news"), body = document.getElementById("news-body");
  if (!article || !body) return;
  var size = parseFloat(localStorage.getItem("news-size") || "1.05");
  function apply() { article.style.fontSize = size + "rem"; localStorage.setItem("news-size", size); }
  apply();
  document.querySelectorAll("[data-size]").forEach(function (b) {
    b.addEventListener("click", function () { size = Math.min(1.8, Math.max(0.85, size + 0.1 * parseInt(b.dataset.size, 10))); apply(); });
  });
  var speech = window.speechSynthesis, button = document.getElementById("read-aloud");
  if (!speech || !window.SpeechSynthesisUtterance || !button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    if (speech.speaking) { speech.cancel(); button.setAttribute("aria-pressed", "false"); return; }
    var say = new SpeechSynthesisUtterance(document.querySelector("#news h1").innerText + ". " + body.innerText);
    say.lang = "vi-VN";
    var voice = speech.getVoices().find(function (v) { return (v.lang || "").toLowerCase().indexOf("vi") === 0; });
    if (voice) say.voice = voice;
    say.onend = function () { button.setAttribute("aria-pressed", "false"); };
    button.setAttribute("aria-pressed", "true");
    speech.speak(say);
  });
})();
