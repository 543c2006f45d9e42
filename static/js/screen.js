// The QR screen at a bridge point runs for hours on a projector. It fetches a new QR code
// every few seconds and the headcount more often; when the network drops it says so, hides
// a code that has expired meanwhile, retries sooner, and resumes by itself.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) return;
  var qrBox = document.getElementById("qr-box");
  var headcount = document.getElementById("headcount");
  var offline = document.getElementById("offline");
  var signedOut = document.getElementById("signed-out");
  var rotate = Number(root.dataset.rotate) * 1000;
  var maxAge = Number(root.dataset.maxAge) * 1000;
  var countsEvery = Number(root.dataset.countsEvery) * 1000;
  var qrShownAt = Date.now();
  var failures = { qr: 0, counts: 0 };

  function showState() {
    var down = failures.qr > 0 || failures.counts > 0;
    offline.hidden = !down;
    root.classList.toggle("is-offline", down);
  }

  function fetchPart(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      // A session that ended sends the sign-in page instead of the part asked for.
      if (r.redirected || r.status === 401 || r.status === 403) {
        signedOut.hidden = false;
        throw new Error("signed out");
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      signedOut.hidden = true;
      return r.text();
    });
  }

  // After a failure retry after 1, 2, 4 … seconds, never later than the usual interval.
  function nextDelay(count, usual) {
    return count ? Math.min(1000 * Math.pow(2, count - 1), usual, 10000) : usual;
  }

  function pollQr() {
    fetchPart(root.dataset.qrUrl)
      .then(
        function (html) {
          qrBox.innerHTML = html;
          qrBox.classList.remove("stale");
          qrShownAt = Date.now();
          failures.qr = 0;
        },
        function () {
          failures.qr += 1;
          // A code the server would refuse must not stay up for people to scan.
          if (Date.now() - qrShownAt > maxAge - rotate / 2) qrBox.classList.add("stale");
        }
      )
      .then(function () {
        showState();
        setTimeout(pollQr, nextDelay(failures.qr, rotate));
      });
  }

  function pollCounts() {
    fetchPart(root.dataset.countsUrl)
      .then(
        function (html) {
          headcount.innerHTML = html;
          failures.counts = 0;
        },
        function () {
          failures.counts += 1;
        }
      )
      .then(function () {
        showState();
        setTimeout(pollCounts, nextDelay(failures.counts, countsEvery));
      });
  }

  function keepAwake() {
    if (navigator.wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").catch(function () {});
    }
  }

  document.addEventListener("visibilitychange", keepAwake);
  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(function () {});
  });
  keepAwake();
  setTimeout(pollQr, rotate);
  setTimeout(pollCounts, countsEvery);
})();
