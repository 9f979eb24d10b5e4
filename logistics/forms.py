"""Seller-center forms of logistics: the shipping template editor (rules inline) and the shop's
carriers. Forms parse and put each problem on its field; the rules are in `logistics.services`
(`template_problems`), which the service runs again before writing. A service's refusal reaches
the page through `marketplace.core.pages.refusals`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics import services
from logistics.quote import Basis
from logistics.regions import regions_by_area
from logistics.services.templates import overlap_message
from marketplace.core.errors import DomainError

MAX_RULES = 40


def plain(value):
    """Units without trailing zeros for display (Decimal("1.000") -> "1"); other values as is."""
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:
        return format(value.normalize(), "f")
    return value


def grouped_region_choices():
    """Provinces grouped by area (华东, 华北 …), remote ones marked, for checkbox lists."""
    return [
        (
            area.name,
            [
                (region.code, f"{region.name} ({_('remote')})" if region.remote else region.name)
                for region in regions
            ],
        )
        for area, regions in regions_by_area()
    ]


class RegionCheckboxes(forms.CheckboxSelectMultiple):
    # In the app's templates folder: that is where form renderers look.
    template_name = "logistics/widgets/region_checkboxes.html"


def region_field(**kwargs):
    return forms.MultipleChoiceField(
        choices=grouped_region_choices, widget=RegionCheckboxes, **kwargs
    )


def units_field(label):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.001"),
        max_digits=9,
        decimal_places=3,
        initial=Decimal("1"),
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )


def fee_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class RateFormMixin(forms.Form):
    first_units = units_field(_("First units"))
    first_fee = fee_field(_("First fee"), initial=Decimal("0"))
    extra_units = units_field(_("Each extra"))
    extra_fee = fee_field(_("Extra fee"), initial=Decimal("0"))


class ShippingTemplateForm(RateFormMixin):
    """The template; its rate fields are the default for provinces no rule names."""

    name = forms.CharField(label=_("Name"), max_length=60)
    basis = forms.ChoiceField(
        label=_("Charge by"), choices=Basis.choices, widget=forms.RadioSelect, initial=Basis.PIECE
    )
    field_order = ["name", "basis", "first_units", "first_fee", "extra_units", "extra_fee"]
    free_over_amount = fee_field(
        _("Free shipping from (amount)"),
        required=False,
        help_text=_("Free shipping when the goods cost at least this much. Leave empty for none."),
    )
    free_over_quantity = forms.IntegerField(
        label=_("Free shipping from (pieces)"),
        min_value=1,
        required=False,
        help_text=_("Free shipping from this many pieces. Leave empty for none."),
    )
    non_deliverable = region_field(
        label=_("Not delivered to"),
        required=False,
        help_text=_("Buyers in these provinces cannot order goods that use this template."),
    )
    insurance_percent = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Shipping insurance (% of the goods)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Offer buyers insurance at this rate. Leave empty to offer none."),
    )
    insurance_minimum = fee_field(_("Insurance minimum"), required=False, initial=Decimal("0"))
    is_default = forms.BooleanField(
        label=_("Use for products without a template of their own"), required=False
    )

    def __init__(self, *args, formset=None, **kwargs):
        """`formset`: the template's rules, edited with it (`rule_formset`)."""
        super().__init__(*args, **kwargs)
        self.formset = formset

    @classmethod
    def initial_from(cls, template) -> dict:
        return {name: plain(getattr(template, name)) for name in services.TEMPLATE_FIELDS}

    def apply_domain_error(self, error: DomainError) -> None:
        """A service's refusal on its field: `rules.<i>.<field>` on that rule's form."""
        rule_forms = self.formset.kept_forms() if self.formset is not None else []
        apply_problem(self, rule_forms, error.field, str(error.message))


class ShippingRuleForm(RateFormMixin):
    provinces = region_field(label=_("Provinces"))
    free_shipping_applies = forms.BooleanField(
        label=_("Free-shipping thresholds apply here"), required=False, initial=True
    )
    field_order = ["provinces", "first_units", "first_fee", "extra_units", "extra_fee"]


class BaseRuleFormSet(forms.BaseFormSet):
    def rules(self) -> list[dict]:
        """The kept rules' cleaned data, in order (deleted and untouched blank forms left out)."""
        return [
            {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
            for form in self.kept_forms()
        ]

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed()
            and not (self.can_delete and self._should_delete_form(form))
            and form.is_valid()
        ]


def rule_formset(data=None, *, rules=(), extra=1):
    """The rules formset with `rules` (dicts or ShippingRule rows) and `extra` blank forms."""
    initial = [
        rule
        if isinstance(rule, dict)
        else {name: plain(getattr(rule, name)) for name in services.RULE_FIELDS}
        for rule in rules
    ]
    formset_class = forms.formset_factory(
        ShippingRuleForm,
        formset=BaseRuleFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_RULES,
        validate_max=True,
    )
    return formset_class(data, initial=initial or None, prefix="rules")


def raw_initial(form_class, data, prefix: str = "") -> dict:
    """A form's submitted values as `initial` (to redisplay them unvalidated)."""
    initial = {}
    for name, field in form_class.base_fields.items():
        key = f"{prefix}{name}"
        if isinstance(field, forms.MultipleChoiceField):
            initial[name] = data.getlist(key)
        elif isinstance(field, forms.BooleanField):
            initial[name] = key in data
        elif key in data:
            initial[name] = data.get(key)
    return initial


def submitted_rules(data) -> list[dict]:
    """The rule forms' submitted values, without the ones marked for deletion."""
    try:
        total = min(int(data.get("rules-TOTAL_FORMS", 0)), MAX_RULES)
    except ValueError:
        total = 0
    rules = []
    for index in range(total):
        prefix = f"rules-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        rule = raw_initial(ShippingRuleForm, data, prefix)
        untouched = not rule.get("provinces") and all(
            rule.get(name) in (None, "", "0", "0.00") for name in ("first_fee", "extra_fee")
        )
        if not untouched:
            rules.append(rule)
    return rules


def validate_template(form: ShippingTemplateForm, formset: BaseRuleFormSet) -> bool:
    """Both valid, and the template's rules (overlaps, exclusions …) hold: each problem is put on
    its field, a rule's on that rule's form."""
    form_valid, formset_valid = form.is_valid(), formset.is_valid()  # both, for every error
    if not (form_valid and formset_valid):
        _flag_overlaps(formset)  # shown together with the other errors, not after fixing them
        return False
    kept = formset.kept_forms()
    fields = {name: form.cleaned_data.get(name) for name in services.TEMPLATE_FIELDS}
    rules = [{name: f.cleaned_data[name] for name in services.RULE_FIELDS} for f in kept]
    for problem in services.template_problems(fields, rules):
        apply_problem(form, kept, problem.field, problem.message)
    return not form.errors and not any(f.errors for f in kept)


def _flag_overlaps(formset) -> None:
    rule_forms = [
        form
        for form in formset.forms
        if form.has_changed() and not (formset.can_delete and formset._should_delete_form(form))
    ]
    provinces = [form.cleaned_data.get("provinces", []) for form in rule_forms]
    for index, codes in services.overlapping_provinces(provinces).items():
        if "provinces" not in rule_forms[index].errors:
            rule_forms[index].add_error(
                "provinces",
                overlap_message(codes),
            )


def apply_problem(form, rule_forms, field: str | None, message) -> None:
    """Put a problem named like `rules.<i>.<field>` (or a template field) on the right form."""
    if field and field.startswith("rules."):
        _prefix, index, name = (field.split(".", 2) + ["", ""])[:3]
        if index.isdigit() and int(index) < len(rule_forms):
            target = rule_forms[int(index)]
            target.add_error(name if name in target.fields else None, message)
            return
        form.add_error(None, message)
        return
    form.add_error(field if field in form.fields else None, message)


class QuotePreviewForm(forms.Form):
    """Try a saved template: what a buyer in a province pays for a parcel (GET, nothing saved)."""

    province = forms.ChoiceField(label=_("Destination"))
    quantity = forms.IntegerField(label=_("Pieces"), min_value=1, max_value=9999, initial=1)
    weight_kg = forms.DecimalField(
        label=_("Weight per piece (kg)"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=3,
        initial=Decimal("1"),
    )
    volume_m3 = forms.DecimalField(
        label=_("Volume per piece (m³)"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=3,
        initial=Decimal("0"),
    )
    unit_price = fee_field(_("Price per piece"), initial=Decimal("50"))
    insure = forms.BooleanField(label=_("With insurance"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="preview", **kwargs)
        self.fields["province"].choices = grouped_region_choices


class ShopCarriersForm(forms.Form):
    """Which of the platform's carriers the shop uses, the default one, account numbers."""

    carriers = forms.MultipleChoiceField(
        label=_("Carriers you ship with"), required=False, widget=forms.CheckboxSelectMultiple
    )
    default = forms.ChoiceField(label=_("Default carrier"), required=False)

    def __init__(self, *args, carriers, current=(), **kwargs):
        self.carrier_list = list(carriers)
        links = {link.carrier_id: link for link in current}
        kwargs.setdefault(
            "initial",
            {
                "carriers": [str(pk) for pk in links],
                "default": next((str(pk) for pk, link in links.items() if link.is_default), ""),
                **{f"account_{pk}": link.account_number for pk, link in links.items()},
            },
        )
        super().__init__(*args, **kwargs)
        choices = [(str(carrier.pk), carrier.name) for carrier in self.carrier_list]
        self.fields["carriers"].choices = choices
        self.fields["default"].choices = [("", _("The first chosen")), *choices]
        for carrier in self.carrier_list:
            self.fields[f"account_{carrier.pk}"] = forms.CharField(
                label=_("Account number with %(carrier)s") % {"carrier": carrier.name},
                max_length=60,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("carriers") or []
        default = cleaned.get("default")
        if default and default not in chosen:
            self.add_error("default", _("The default carrier must be one of the carriers you use."))
        return cleaned

    def rows(self):
        """Per carrier: the carrier, its account field (bound) — for the table in the page."""
        return [(carrier, self[f"account_{carrier.pk}"]) for carrier in self.carrier_list]
