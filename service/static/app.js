// Optional enhancements; the page works fully without JavaScript.
"use strict";

function copyCitation(button) {
  const text = button.dataset.citation;
  const label = button.textContent;
  const say = (message) => {
    button.textContent = message;
    setTimeout(() => { button.textContent = label; }, 2500);
  };
  navigator.clipboard.writeText(text).then(
    () => say(button.dataset.done),
    () => say(button.dataset.failed),
  );
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("q");
  if (box && !box.value) {
    box.focus();
  }
  // Select the question on first focus so a new one can be typed straight away.
  if (box && box.value) {
    box.addEventListener("focus", () => box.select(), { once: true });
  }
  // "Copy citation": shown only where the clipboard can be written; without it, the
  // citation's parts (title, section, file, lines, link) are on the page already.
  if (navigator.clipboard && window.isSecureContext) {
    for (const button of document.querySelectorAll("button.copy[data-citation]")) {
      button.hidden = false;
      button.setAttribute("aria-live", "polite");
      button.addEventListener("click", () => copyCitation(button));
    }
  }
});
