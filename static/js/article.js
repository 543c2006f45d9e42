// A news item's reading controls: text size (kept in this browser), read-aloud with the
// browser's own Vietnamese voice (none installed: say so rather than read Vietnamese with a
// foreign voice), and sharing through the phone's share sheet (Zalo …) or a copied link.
(function () {
  var article = document.getElementById("news"), body = document.getElementById("news-body");
  if (!article || !body) return;
  var size = parseFloat(localStorage.getItem("news-size") || "1.05");
  function apply() { article.style.fontSize = size + "rem"; localStorage.setItem("news-size", size); }
  apply();
  document.querySelectorAll("[data-size]").forEach(function (b) {
    b.addEventListener("click", function () { size = Math.min(1.8, Math.max(0.85, size + 0.1 * parseInt(b.dataset.size, 10))); apply(); });
  });

  var native = document.getElementById("share-native");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () { navigator.share({ title: native.dataset.title, url: native.dataset.url }).catch(function () {}); });
  }
  var copy = document.getElementById("copy-link"), link = document.getElementById("share-link");
  if (copy && link && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(link.value).then(function () { copy.textContent = copy.dataset.done; });
    });
  }

  var speech = window.speechSynthesis, button = document.getElementById("read-aloud");
  var status = document.getElementById("read-aloud-status");
  if (!speech || !window.SpeechSynthesisUtterance || !button) return;
  button.hidden = false;
  function vietnamese() {
    return speech.getVoices().find(function (v) { return (v.lang || "").toLowerCase().replace("_", "-").indexOf("vi") === 0; });
  }
  button.addEventListener("click", function () {
    if (speech.speaking) { speech.cancel(); button.setAttribute("aria-pressed", "false"); return; }
    var voice = vietnamese();
    if (!voice) { if (status) status.textContent = status.dataset.noVoice; return; }
    var say = new SpeechSynthesisUtterance(document.querySelector("#news h1").innerText + ". " + body.innerText);
    say.lang = "vi-VN";
    say.voice = voice;
    say.onend = function () { button.setAttribute("aria-pressed", "false"); };
    button.setAttribute("aria-pressed", "true");
    speech.speak(say);
  });
})();
