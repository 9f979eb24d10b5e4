/* The seller's order desk and fulfilment pages: tick all, the processing clock, printing.
   No inline scripts (CSP). */
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

  var labels = document.documentElement.lang && document.documentElement.lang.indexOf("zh") === 0
    ? { left: "剩余 %s 分钟", over: "已超时 %s 分钟" }
    : { left: "%s min left", over: "Overdue by %s min" };

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (clock) {
      var deadline = Date.parse(clock.getAttribute("data-deadline"));
      if (isNaN(deadline)) return;
      var minutes = Math.round((deadline - now) / 60000);
      var overdue = minutes < 0;
      clock.textContent = (overdue ? labels.over : labels.left).replace("%s", Math.abs(minutes));
      clock.classList.toggle("clock-overdue", overdue);
      var row = clock.closest("tr");
      if (row) row.classList.toggle("row-overdue", overdue);
    });
  }
  if (document.querySelector("[data-deadline]")) window.setInterval(tick, 30000);
})();
