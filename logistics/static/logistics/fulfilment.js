/* Fulfilment pages: tick all orders, print. No inline scripts (CSP). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-check-all]")) return;
    var form = box.form || box.closest("form");
    if (!form) return;
    form.querySelectorAll("input[name=numbers]").forEach(function (item) { item.checked = box.checked; });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
})();
