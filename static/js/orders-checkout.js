/* Checkout: submit once (a double click sends one order; the server is idempotent anyway), and
   recompute the totals when the buyer ticks shipping insurance. No inline scripts (CSP). */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (!submitter || !submitter.matches("[data-submit-once]")) return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    // Disable after the browser has captured the button's name/value for this submit.
    window.setTimeout(function () {
      submitter.disabled = true;
      submitter.setAttribute("aria-busy", "true");
    }, 0);
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-recalculate]") || !input.form) return;
    var button = input.form.querySelector("[data-recalculate-button]");
    if (button) button.click();
  });

  // The invoice's name and tax number matter only when an invoice is asked for.
  function syncInvoice() {
    var details = document.querySelector("[data-invoice-details]");
    if (!details) return;
    var checked = document.querySelector("input[name=invoice_type]:checked");
    details.hidden = !checked || checked.value === "";
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "invoice_type") syncInvoice();
  });
  document.addEventListener("DOMContentLoaded", syncInvoice);
})();
