/* Stripe's Payment Element on our payment page (no inline script: the keys come from data-*).
   Stripe.js confirms the PaymentIntent and sends the buyer to data-return-url; our server then asks
   Stripe for the result. Nothing here tells our server that the payment succeeded. */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("stripe-payment-form");
    if (!form || typeof window.Stripe !== "function") return;
    var stripe = window.Stripe(form.dataset.stripeKey);
    var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
    var target = document.getElementById("stripe-payment-element");
    var message = document.getElementById("stripe-payment-message");
    var button = form.querySelector("button[type=submit]");
    target.textContent = "";
    var paymentElement = elements.create("payment");
    paymentElement.mount(target);
    paymentElement.on("ready", function () { button.disabled = false; });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      message.hidden = true;
      stripe.confirmPayment({
        elements: elements,
        confirmParams: { return_url: form.dataset.returnUrl }
      }).then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          message.hidden = false;
          button.disabled = false;
          button.removeAttribute("aria-busy");
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
