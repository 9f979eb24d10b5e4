"""Shipping templates: create, edit (with their rules, in one transaction), delete, default.

The checks live in `template_problems`, which the seller form and the API serializer also call so
they can show each problem on its field; the services run them again before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from compliance import audit
from logistics.errors import ErrorCode, LogisticsError
from logistics.models import ShippingRule, ShippingTemplate
from logistics.quote import Basis
from logistics.regions import is_region_code, region_name
from logistics.services.locks import TEMPLATES_LOCK, lock_shop

TEMPLATE_FIELDS = (
    "name",
    "basis",
    "first_units",
    "first_fee",
    "extra_units",
    "extra_fee",
    "free_over_amount",
    "free_over_quantity",
    "non_deliverable",
    "insurance_percent",
    "insurance_minimum",
    "is_default",
)
RULE_FIELDS = (
    "provinces",
    "first_units",
    "first_fee",
    "extra_units",
    "extra_fee",
    "free_shipping_applies",
)
RATE_FIELDS = ("first_units", "first_fee", "extra_units", "extra_fee")
MAX_RULES = 40
MAX_FEE = Decimal("9999999999.99")
MAX_UNITS = Decimal("999999.999")


class Problem(NamedTuple):
    field: str  # a template field, "rules", or "rules.<index>.<field>"
    message: str
    code: str = ErrorCode.INVALID_TEMPLATE


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _rate_problems(values: Mapping, basis: str, prefix: str) -> list[Problem]:
    problems = []
    for name in ("first_units", "extra_units"):
        units = _decimal(values.get(name))
        if units is None:
            problems.append(Problem(prefix + name, _("Enter a number.")))
        elif units <= 0 or units > MAX_UNITS:
            problems.append(Problem(prefix + name, _("Units must be above zero.")))
        elif basis == Basis.PIECE and units != units.to_integral_value():
            problems.append(Problem(prefix + name, _("Pieces are counted in whole numbers.")))
        elif units.as_tuple().exponent < -3:
            problems.append(Problem(prefix + name, _("Use at most three decimal places.")))
    for name in ("first_fee", "extra_fee"):
        fee = _decimal(values.get(name))
        if fee is None:
            problems.append(Problem(prefix + name, _("Enter an amount.")))
        elif fee < 0:
            problems.append(Problem(prefix + name, _("A fee cannot be negative.")))
        elif fee > MAX_FEE or fee.as_tuple().exponent < -2:
            problems.append(
                Problem(prefix + name, _("Enter an amount with at most two decimal places."))
            )
    return problems


def _codes_problem(codes: Iterable[str]) -> str | None:
    unknown = [code for code in codes if not is_region_code(code)]
    if unknown:
        return _("Unknown province code: %(codes)s.") % {"codes": ", ".join(unknown)}
    return None


def overlapping_provinces(rule_provinces: Sequence[Iterable[str]]) -> dict[int, list[str]]:
    """For each rule (by index), the provinces that an earlier rule already names."""
    seen: set[str] = set()
    overlaps: dict[int, list[str]] = {}
    for index, provinces in enumerate(rule_provinces):
        codes = list(dict.fromkeys(provinces))
        repeated = [code for code in codes if code in seen]
        if repeated:
            overlaps[index] = repeated
        seen.update(codes)
    return overlaps


def overlap_message(codes: Iterable[str]) -> str:
    return _("%(provinces)s already in another rule: a province belongs to one rule.") % {
        "provinces": ", ".join(region_name(code) for code in codes)
    }


def template_problems(fields: Mapping, rules: Sequence[Mapping]) -> list[Problem]:
    """Every problem of a template and its rules, as `Problem(field, message, code)`.

    Fields are the template's field names and `rules.<index>.<field>` for rules (`rules` for the
    rule list itself). An empty list means the template may be saved.
    """
    problems: list[Problem] = []
    name = (fields.get("name") or "").strip()
    if not name:
        problems.append(Problem("name", _("Give the template a name.")))
    elif len(name) > 60:
        problems.append(Problem("name", _("A name has at most 60 characters.")))
    basis = fields.get("basis")
    if basis not in Basis.values:
        problems.append(Problem("basis", _("Choose by piece, by weight or by volume.")))
        basis = Basis.WEIGHT
    problems += _rate_problems(fields, basis, "")

    free_amount = fields.get("free_over_amount")
    if free_amount not in (None, ""):
        amount = _decimal(free_amount)
        if amount is None or amount < 0 or amount > MAX_FEE:
            problems.append(Problem("free_over_amount", _("Enter an amount of zero or more.")))
    free_quantity = fields.get("free_over_quantity")
    if free_quantity not in (None, "") and (
        not isinstance(free_quantity, int) or isinstance(free_quantity, bool) or free_quantity < 1
    ):
        problems.append(
            Problem("free_over_quantity", _("Enter a whole number of pieces above zero."))
        )
    insurance = fields.get("insurance_percent")
    if insurance not in (None, ""):
        percent = _decimal(insurance)
        if percent is None or percent <= 0 or percent > 100:
            problems.append(
                Problem("insurance_percent", _("Enter a percentage above 0 and at most 100."))
            )
    minimum = _decimal(fields.get("insurance_minimum") or "0")
    if minimum is None or minimum < 0:
        problems.append(Problem("insurance_minimum", _("A minimum cannot be negative.")))

    non_deliverable = list(fields.get("non_deliverable") or [])
    if message := _codes_problem(non_deliverable):
        problems.append(Problem("non_deliverable", message))

    if len(rules) > MAX_RULES:
        problems.append(
            Problem("rules", _("A template has at most %(n)s rules.") % {"n": MAX_RULES})
        )
    rule_provinces = [list(rule.get("provinces") or []) for rule in rules]
    overlaps = overlapping_provinces(rule_provinces)
    excluded = set(non_deliverable)
    for index, (rule, provinces) in enumerate(zip(rules, rule_provinces, strict=True)):
        prefix = f"rules.{index}."
        if not provinces:
            problems.append(Problem(prefix + "provinces", _("Choose at least one province.")))
        elif message := _codes_problem(provinces):
            problems.append(Problem(prefix + "provinces", message))
        elif index in overlaps:
            problems.append(
                Problem(
                    prefix + "provinces",
                    overlap_message(overlaps[index]),
                    ErrorCode.OVERLAPPING_REGIONS,
                )
            )
        elif both := [code for code in provinces if code in excluded]:
            problems.append(
                Problem(
                    prefix + "provinces",
                    _("%(provinces)s also marked as not delivered to.")
                    % {"provinces": ", ".join(region_name(code) for code in both)},
                )
            )
        problems += _rate_problems(rule, basis, prefix)
    return problems


def _raise_first(problems: list[Problem]) -> None:
    if problems:
        problem = problems[0]
        raise LogisticsError(problem.message, code=problem.code, field=problem.field)


def _state(template: ShippingTemplate) -> dict:
    data = {name: getattr(template, name) for name in TEMPLATE_FIELDS}
    data["rules"] = [
        {name: getattr(rule, name) for name in RULE_FIELDS} for rule in template.rules.all()
    ]
    return data


@transaction.atomic
def save_shipping_template(
    *,
    shop,
    actor,
    fields: Mapping,
    rules: Sequence[Mapping],
    template: ShippingTemplate | None = None,
    request=None,
) -> ShippingTemplate:
    """Create a template (`template=None`) or replace one's fields and rules, all or nothing.

    Refuses overlapping provinces between rules, negative fees, unknown provinces, a name the shop
    already uses. `is_default=True` makes it the shop's default in place of the previous one.
    """
    fields = {name: fields[name] for name in TEMPLATE_FIELDS if name in fields}
    fields.setdefault("basis", Basis.PIECE)
    rules = [{name: rule[name] for name in RULE_FIELDS if name in rule} for rule in rules]
    for rule in rules:
        rule.setdefault("free_shipping_applies", True)
    _raise_first(template_problems(fields, rules))

    lock_shop(TEMPLATES_LOCK, shop.pk)
    before = None
    if template is None:
        template = ShippingTemplate(shop=shop, currency=getattr(shop, "currency", "CNY") or "CNY")
    else:
        template = (
            ShippingTemplate.objects.for_shop(shop)
            .select_for_update()
            .prefetch_related("rules")
            .get(pk=template.pk)
        )
        before = _state(template)
    fields["name"] = fields["name"].strip()
    fields["non_deliverable"] = sorted(set(fields.get("non_deliverable") or []))
    for name in ("free_over_amount", "free_over_quantity", "insurance_percent"):
        if fields.get(name) == "":
            fields[name] = None
    if fields.get("insurance_minimum") in (None, ""):
        fields["insurance_minimum"] = Decimal("0")

    name_taken = (
        ShippingTemplate.objects.for_shop(shop)
        .filter(name__iexact=fields["name"])
        .exclude(pk=template.pk)
        .exists()
    )
    if name_taken:
        raise LogisticsError(
            _("You already have a template with this name."),
            code=ErrorCode.INVALID_TEMPLATE,
            field="name",
        )
    if fields.get("is_default"):
        ShippingTemplate.objects.for_shop(shop).filter(is_default=True).exclude(
            pk=template.pk
        ).update(is_default=False)
    for name, value in fields.items():
        setattr(template, name, value)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:  # a constraint the checks above should have caught
        raise LogisticsError(
            _("The template could not be saved; check its values."),
            code=ErrorCode.INVALID_TEMPLATE,
        ) from error

    ShippingRule.objects.for_shop(shop).filter(template=template).delete()
    ShippingRule.objects.bulk_create(
        ShippingRule(
            shop=shop,
            template=template,
            position=position,
            provinces=list(dict.fromkeys(rule["provinces"])),
            **{name: rule[name] for name in RULE_FIELDS if name != "provinces"},
        )
        for position, rule in enumerate(rules)
    )
    if hasattr(template, "_prefetched_objects_cache"):
        template._prefetched_objects_cache.pop("rules", None)
    after = _state(template)
    audit.record(
        "logistics.template.updated" if before else "logistics.template.created",
        actor=actor,
        obj=template,
        shop_id=shop.pk,
        before=before,
        after=after,
        request=request,
    )
    return template


@transaction.atomic
def delete_shipping_template(*, shop, actor, template: ShippingTemplate, request=None) -> None:
    """Delete the template and its rules; refused while products still use it."""
    lock_shop(TEMPLATES_LOCK, shop.pk)
    template = ShippingTemplate.objects.for_shop(shop).select_for_update().get(pk=template.pk)
    before = {"name": template.name, "is_default": template.is_default}
    pk = template.pk
    try:
        with transaction.atomic():
            template.delete()
    except (ProtectedError, RestrictedError) as error:
        raise LogisticsError(
            _("Products still use this template: give them another one first."),
            code=ErrorCode.TEMPLATE_IN_USE,
        ) from error
    template.pk = pk
    audit.record(
        "logistics.template.deleted",
        actor=actor,
        obj=template,
        shop_id=shop.pk,
        before=before,
        request=request,
    )


@transaction.atomic
def set_default_template(*, shop, actor, template: ShippingTemplate, request=None):
    """Make `template` the shop's default (used for products without a template of their own)."""
    lock_shop(TEMPLATES_LOCK, shop.pk)
    template = ShippingTemplate.objects.for_shop(shop).select_for_update().get(pk=template.pk)
    if template.is_default:
        return template
    ShippingTemplate.objects.for_shop(shop).filter(is_default=True).update(is_default=False)
    template.is_default = True
    template.save(update_fields=["is_default", "updated_at"])
    audit.record(
        "logistics.template.made_default",
        actor=actor,
        obj=template,
        shop_id=shop.pk,
        after={"is_default": True},
        request=request,
    )
    return template
