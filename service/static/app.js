// Optional enhancements; the page works fully without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("q");
  if (box && !box.value) {
    box.focus();
  }
  // Select the question on first focus so a new one can be typed straight away.
  if (box && box.value) {
    box.addEventListener("focus", () => box.select(), { once: true });
  }
});
