/* Forms that start long work on the server (reading or writing a 20,000-row list): once submitted,
 * their submit buttons are disabled, so a second click does not send the file twice, and their
 * status element says what is happening, with the minutes and seconds since.
 *
 * Markup: <form data-working-form> holding <span role="status" data-working-status
 * data-working-text="…">, empty until submitted so that screen readers announce the text.
 * Loaded with `defer` from a file, never inline (a Content-Security-Policy will forbid inline
 * code). Without JavaScript the forms submit as usual.
 */
(function () {
  "use strict";

  function clock(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function start(form) {
    form.dataset.working = "true";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    var status = form.querySelector("[data-working-status]");
    if (!status) {
      return;
    }
    status.textContent = status.dataset.workingText || "";
    // The elapsed time beside the status, not in it: a live region changing every second would
    // be read out every second.
    var elapsed = document.createElement("span");
    elapsed.className = "muted";
    elapsed.setAttribute("aria-hidden", "true");
    elapsed.dataset.workingElapsed = "";
    status.after(elapsed);
    var started = Date.now();
    form.workingTimer = window.setInterval(function () {
      elapsed.textContent = " " + clock(Math.round((Date.now() - started) / 1000));
    }, 1000);
  }

  function reset(form) {
    delete form.dataset.working;
    window.clearInterval(form.workingTimer);
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = false;
    });
    form.querySelectorAll("[data-working-status]").forEach(function (status) {
      status.textContent = "";
    });
    form.querySelectorAll("[data-working-elapsed]").forEach(function (elapsed) {
      elapsed.remove();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-working-form]")) {
      return;
    }
    if (form.dataset.working) {
      event.preventDefault(); // the first submission is still on its way
      return;
    }
    start(form);
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-working-form]").forEach(reset);
    }
  });
})();
