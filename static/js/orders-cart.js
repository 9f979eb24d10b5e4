/* Cart: a changed quantity is saved on its own (the Update button stays for keyboards and
   browsers without JavaScript). No inline scripts anywhere (CSP). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-autosubmit-quantity]") || !input.form) return;
    if (!input.checkValidity()) { input.reportValidity(); return; }
    input.form.submit();
  });
})();
