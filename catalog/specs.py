"""Spec values (product attributes) checked against the category's attribute template.

`clean_attributes(definitions, raw)` turns what a form, the API or an import row sent into stored
values (text: str, integer: int, decimal: a canonical decimal string, boolean: bool, choice: the
choice's value, multi-choice: a list of values) and reports every wrong value by attribute code.
Values arrive as JSON types or as text (forms, CSV): "12", "yes"/"是", "cotton|silk".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from catalog.models.categories import AttributeDefinition, AttributeType

MAX_TEXT_LENGTH = 200
_TRUE = {"true", "yes", "y", "1", "是", "有", "on"}
_FALSE = {"false", "no", "n", "0", "否", "无", "off"}
_MULTI_SPLIT = re.compile(r"[|,，、;；]")


class SpecError(ValueError):
    pass


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _choice_lookup(definition: AttributeDefinition) -> dict[str, str]:
    lookup = {}
    for choice in definition.choices or []:
        value = str(choice[0])
        for name in choice:
            lookup[str(name).strip().casefold()] = value
    return lookup


def _choices_text(definition: AttributeDefinition) -> str:
    return ", ".join(label for _value, label in definition.choice_pairs)


def clean_value(definition: AttributeDefinition, raw):
    """The stored form of one value, or SpecError with a message for the seller."""
    kind = definition.type
    if kind == AttributeType.TEXT:
        if not isinstance(raw, str | int | Decimal) or isinstance(raw, bool):
            raise SpecError(_("Enter text."))
        text = " ".join(str(raw).split())
        if len(text) > MAX_TEXT_LENGTH:
            raise SpecError(_("At most %(max)d characters.") % {"max": MAX_TEXT_LENGTH})
        return text
    if kind == AttributeType.INTEGER:
        if isinstance(raw, bool):
            raise SpecError(_("Enter a whole number."))
        if isinstance(raw, int):
            return raw
        try:
            text = str(raw).strip()
            if not re.fullmatch(r"[+-]?\d{1,15}", text):
                raise ValueError
            return int(text)
        except (TypeError, ValueError) as error:
            raise SpecError(_("Enter a whole number.")) from error
    if kind == AttributeType.DECIMAL:
        if isinstance(raw, bool):
            raise SpecError(_("Enter a number."))
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError) as error:
            raise SpecError(_("Enter a number.")) from error
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            raise SpecError(_("Enter a number."))
        if value.as_tuple().exponent < -6:
            raise SpecError(_("At most 6 decimal places."))
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == AttributeType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise SpecError(_("Answer yes or no."))
    lookup = _choice_lookup(definition)
    if kind == AttributeType.CHOICE:
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise SpecError(
                _("Choose one of: %(choices)s.") % {"choices": _choices_text(definition)}
            )
        value = lookup.get(str(raw).strip().casefold())
        if value is None:
            raise SpecError(
                _("Choose one of: %(choices)s.") % {"choices": _choices_text(definition)}
            )
        return value
    if kind == AttributeType.MULTI_CHOICE:
        items = raw if isinstance(raw, list | tuple) else _MULTI_SPLIT.split(str(raw))
        values: list[str] = []
        for item in items:
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise SpecError(
                    _("Choose from: %(choices)s.") % {"choices": _choices_text(definition)}
                )
            if not str(item).strip():
                continue
            value = lookup.get(str(item).strip().casefold())
            if value is None:
                raise SpecError(
                    _("“%(item)s” is not one of: %(choices)s.")
                    % {"item": str(item).strip(), "choices": _choices_text(definition)}
                )
            if value not in values:
                values.append(value)
        return values
    raise SpecError(_("Unknown attribute type."))


def clean_attributes(
    definitions: Iterable[AttributeDefinition], raw: Mapping | None
) -> tuple[dict, dict[str, str]]:
    """(cleaned values, {code: error}) for `raw` against `definitions`.

    Blank values are left out (a draft may be incomplete; `missing_required()` lists what must be
    filled before publishing); codes that are not in the template are errors.
    """
    by_code = {definition.code: definition for definition in definitions}
    cleaned: dict = {}
    errors: dict[str, str] = {}
    if raw is None:
        return cleaned, errors
    if not isinstance(raw, Mapping):
        return cleaned, {"": _("Specifications must be given as name → value pairs.")}
    for code, value in raw.items():
        definition = by_code.get(str(code))
        if definition is None:
            errors[str(code)] = _("“%(code)s” is not a specification of this category.") % {
                "code": code
            }
            continue
        if _is_blank(value):
            continue
        try:
            cleaned[definition.code] = clean_value(definition, value)
        except SpecError as error:
            errors[definition.code] = f"{definition.label}: {error}"
    return cleaned, errors


def missing_required(definitions: Iterable[AttributeDefinition], values: Mapping) -> list[str]:
    """Labels of required attributes without a value."""
    return [
        definition.label
        for definition in definitions
        if definition.required and _is_blank((values or {}).get(definition.code))
    ]


def display_value(definition: AttributeDefinition, value) -> str:
    """A stored value for people: choice labels, yes/no, the unit."""
    if definition.type == AttributeType.BOOLEAN:
        return _("Yes") if value else _("No")
    if definition.type == AttributeType.CHOICE:
        text = definition.choice_label(value)
    elif definition.type == AttributeType.MULTI_CHOICE:
        text = ", ".join(definition.choice_label(item) for item in value or [])
    else:
        text = str(value)
    return f"{text} {definition.unit}".strip() if definition.unit else text


def search_texts(definition: AttributeDefinition, value) -> list[str]:
    """The words a value is found by, in both languages (for the search index)."""
    if definition.type in (AttributeType.CHOICE, AttributeType.MULTI_CHOICE):
        wanted = value if isinstance(value, list) else [value]
        texts = []
        for choice in definition.choices or []:
            if str(choice[0]) in map(str, wanted):
                texts.extend(str(name) for name in choice)
        return texts
    if definition.type == AttributeType.BOOLEAN:
        return [definition.name, definition.name_zh] if value else []
    return [str(value)]
