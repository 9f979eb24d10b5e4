/* Storefront catalogue: variant picker, image gallery, filters that apply themselves.
   Progressive enhancement only: every page works without JavaScript (the SKU <select> and the
   "Apply" button). No inline scripts (CSP): the SKU data comes from <script type="application/json">. */
(function () {
  "use strict";

  // --- Variant picker ---------------------------------------------------------------------------
  function VariantPicker(form) {
    this.form = form;
    this.select = form.querySelector("[data-sku-select]");
    this.fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-dimension]"));
    this.price = document.querySelector("[data-price]");
    this.stock = form.querySelector("[data-stock-state]");
    this.button = form.querySelector("[data-add-to-cart]");
    var data = document.getElementById("variant-data");
    this.skus = data ? JSON.parse(data.textContent) : [];
    if (!this.select || !this.fieldsets.length || !this.skus.length) return;

    form.classList.add("js-variants");
    this.fieldsets.forEach(function (fieldset) { fieldset.hidden = false; });
    form.addEventListener("change", this.onChange.bind(this));
    this.selectSku(this.skuById(this.select.value) || this.skus[0]);
  }

  VariantPicker.prototype.skuById = function (id) {
    for (var i = 0; i < this.skus.length; i++) {
      if (String(this.skus[i].id) === String(id)) return this.skus[i];
    }
    return null;
  };

  VariantPicker.prototype.chosenOptions = function () {
    var chosen = {};
    this.fieldsets.forEach(function (fieldset) {
      var checked = fieldset.querySelector("input:checked");
      if (checked) chosen[fieldset.getAttribute("data-dimension")] = checked.value;
    });
    return chosen;
  };

  VariantPicker.prototype.matches = function (sku, options) {
    for (var name in options) {
      if (Object.prototype.hasOwnProperty.call(options, name) && sku.options[name] !== options[name]) {
        return false;
      }
    }
    return true;
  };

  VariantPicker.prototype.find = function (options) {
    var self = this;
    var best = null;
    this.skus.forEach(function (sku) {
      if (!self.matches(sku, options)) return;
      if (!best || (best.state === "out" && sku.state !== "out")) best = sku;
    });
    return best;
  };

  VariantPicker.prototype.onChange = function (event) {
    var target = event.target;
    if (target.matches("[data-sku-select]")) {
      this.selectSku(this.skuById(target.value));
      return;
    }
    if (!target.matches("input[data-dimension]")) return;
    var options = this.chosenOptions();
    // Keep what was just chosen; if no SKU has that combination, keep only the latest choice.
    var sku = this.find(options);
    if (!sku) {
      var only = {};
      only[target.getAttribute("data-dimension")] = target.value;
      sku = this.find(only);
    }
    if (sku) this.selectSku(sku);
  };

  VariantPicker.prototype.selectSku = function (sku) {
    if (!sku) return;
    var self = this;
    this.select.value = String(sku.id);
    this.fieldsets.forEach(function (fieldset) {
      var name = fieldset.getAttribute("data-dimension");
      Array.prototype.forEach.call(fieldset.querySelectorAll("input[data-dimension]"), function (input) {
        input.checked = sku.options[name] === input.value;
        // Would this value, with the other current choices, give something in stock?
        var wanted = {};
        for (var other in sku.options) {
          if (Object.prototype.hasOwnProperty.call(sku.options, other) && other !== name) {
            wanted[other] = sku.options[other];
          }
        }
        wanted[name] = input.value;
        var candidate = self.find(wanted);
        var unavailable = !candidate || candidate.state === "out";
        input.parentNode.classList.toggle("is-unavailable", unavailable);
      });
    });
    if (this.price) this.price.textContent = sku.price_display;
    if (this.stock) {
      this.stock.textContent = sku.state_label;
      this.stock.className = "stock-state stock-" + sku.state;
    }
    if (this.button) this.button.disabled = sku.state === "out";
  };

  // --- Gallery ----------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest && event.target.closest("[data-gallery-thumb]");
    if (!thumb) return;
    var gallery = thumb.closest("[data-gallery]");
    var main = gallery && gallery.querySelector("[data-gallery-main]");
    if (!main) return;
    main.src = thumb.getAttribute("data-src");
    main.alt = thumb.getAttribute("data-alt") || "";
    Array.prototype.forEach.call(gallery.querySelectorAll("[data-gallery-thumb]"), function (other) {
      var current = other === thumb;
      other.classList.toggle("is-current", current);
      if (current) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
  });

  // --- Filters: apply on change (the Apply button stays for keyboards and no-JS) ----------------
  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.form;
    if (!form || !form.hasAttribute("data-filter-form")) return;
    if (target.matches("select[data-autosubmit]")) return; // site.js submits those already
    if (target.type === "number") return; // typed prices wait for Apply or Enter
    var page = form.querySelector("input[name=page]");
    if (page) page.remove();
    form.submit();
  });

  // Filters: a folded panel on phones (the results come first), open beside them on wide screens.
  function openFiltersOnWideScreens() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 960px)").matches) return;
    Array.prototype.forEach.call(document.querySelectorAll("details[data-filters]"), function (panel) {
      panel.open = true;
    });
  }

  function start() {
    openFiltersOnWideScreens();
    Array.prototype.forEach.call(document.querySelectorAll("[data-variant-picker]"), function (form) {
      new VariantPicker(form);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
