/* Catalog seller pages: small enhancements only; every form works without JavaScript (CSP: no
   inline scripts). */
(function () {
  "use strict";

  // <button data-confirm="Question?"> asks before submitting its form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The image picker shows how many files were chosen (the browser's own label may not).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][multiple]")) return;
    var note = input.parentNode.querySelector(".file-count");
    if (!note) {
      note = document.createElement("small");
      note.className = "help file-count";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = input.files.length ? input.files.length + " ✓" : "";
  });
})();
