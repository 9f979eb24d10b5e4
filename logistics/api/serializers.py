"""Serializers of the logistics API. They parse and show each problem on its field; the rules are
in `logistics.services` (`template_problems` here, the services again before writing)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from logistics import services
from logistics.models import (
    Carrier,
    Shipment,
    ShipmentLine,
    ShippingRule,
    ShippingTemplate,
    ShopCarrier,
    TrackingEvent,
)
from logistics.regions import ALL_CODES, region_name
from marketplace.core.api import StrictModelSerializer, StrictSerializer

PROVINCE_CODES = sorted(ALL_CODES)


class ProvinceListField(serializers.ListField):
    child = serializers.ChoiceField(choices=PROVINCE_CODES)


class RegionSerializer(StrictSerializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    area = serializers.CharField()
    remote = serializers.BooleanField()


class CarrierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    simulated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "code", "name", "name_en", "name_zh", "tracking_url_pattern", "simulated"]
        read_only_fields = fields


class ShopCarrierSerializer(serializers.ModelSerializer):
    carrier = CarrierSerializer(read_only=True)

    class Meta:
        model = ShopCarrier
        fields = ["carrier", "is_default", "account_number"]
        read_only_fields = fields


class ShopCarrierChoiceSerializer(StrictSerializer):
    carriers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=True, max_length=50
    )
    default = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    account_numbers = serializers.DictField(
        child=serializers.CharField(max_length=60, allow_blank=True), required=False
    )

    def validate_account_numbers(self, value):
        try:
            return {int(key): number for key, number in value.items()}
        except ValueError as error:
            raise serializers.ValidationError(_("Keys are carrier ids.")) from error


UNITS = {"max_digits": 9, "decimal_places": 3, "min_value": Decimal("0.001")}
FEE = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class ShippingRuleSerializer(StrictModelSerializer):
    provinces = ProvinceListField(min_length=1, max_length=len(PROVINCE_CODES))
    province_names = serializers.SerializerMethodField()
    first_units = serializers.DecimalField(**UNITS)
    first_fee = serializers.DecimalField(**FEE)
    extra_units = serializers.DecimalField(**UNITS)
    extra_fee = serializers.DecimalField(**FEE)

    class Meta:
        model = ShippingRule
        fields = [
            "provinces",
            "province_names",
            "first_units",
            "first_fee",
            "extra_units",
            "extra_fee",
            "free_shipping_applies",
        ]

    def get_province_names(self, rule) -> list[str]:
        return [region_name(code) for code in rule.provinces]


class ShippingTemplateSerializer(StrictModelSerializer):
    """A template with its rules. Writing `rules` replaces them all; omit it (PATCH) to keep them.

    Rates are in the template's unit: pieces, kg or m³ (`basis`); `insurance_percent` is a
    percentage of the goods value (0.5 is 0.5 %).
    """

    rules = ShippingRuleSerializer(many=True, required=False)
    non_deliverable = ProvinceListField(required=False, max_length=len(PROVINCE_CODES))
    first_units = serializers.DecimalField(**UNITS)
    first_fee = serializers.DecimalField(**FEE)
    extra_units = serializers.DecimalField(**UNITS)
    extra_fee = serializers.DecimalField(**FEE)
    free_over_amount = serializers.DecimalField(**FEE, required=False, allow_null=True)
    insurance_minimum = serializers.DecimalField(**FEE, required=False)

    class Meta:
        model = ShippingTemplate
        fields = [
            "id",
            "name",
            "basis",
            "currency",
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
            "rules",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "currency", "created_at", "updated_at"]
        validators = []  # the (shop, name) uniqueness is the service's to check

    def validate(self, attrs):
        fields, rules = self.merged(attrs)
        # Rule errors keyed by the rule's index, as DRF reports errors of nested lists.
        errors: dict = {}
        rule_errors: dict[int, dict] = {}
        for problem in services.template_problems(fields, rules):
            parts = problem.field.split(".", 2)
            if parts[0] == "rules" and len(parts) == 3 and parts[1].isdigit():
                rule_errors.setdefault(int(parts[1]), {}).setdefault(parts[2], [])
                rule_errors[int(parts[1])][parts[2]].append(problem.message)
            else:
                errors.setdefault(problem.field, []).append(problem.message)
        if rule_errors:
            errors["rules"] = rule_errors
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def merged(self, attrs) -> tuple[dict, list[dict]]:
        """The template's fields and rules as they would be after this write."""
        instance = self.instance
        fields = {}
        for name in services.TEMPLATE_FIELDS:
            if name in attrs:
                fields[name] = attrs[name]
            elif instance is not None:
                fields[name] = getattr(instance, name)
            else:
                fields[name] = ShippingTemplate._meta.get_field(name).get_default()
        if "rules" in attrs:
            rules = [dict(rule) for rule in attrs["rules"]]
        elif instance is not None:
            rules = [
                {name: getattr(rule, name) for name in services.RULE_FIELDS}
                for rule in instance.rules.all()
            ]
        else:
            rules = []
        for rule in rules:
            rule.setdefault("free_shipping_applies", True)
        return fields, rules


# --- Shipments and tracking -----------------------------------------------------------------------
class TrackingEventSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    province = serializers.CharField(source="region", read_only=True)
    place = serializers.CharField(read_only=True)

    class Meta:
        model = TrackingEvent
        fields = [
            "status",
            "status_label",
            "occurred_at",
            "province",
            "location",
            "place",
            "description",
            "source",
        ]
        read_only_fields = fields


class ShipmentLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["order_line_id", "sku_code", "title", "options", "quantity"]
        read_only_fields = fields


class ShipmentCarrierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    simulated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "code", "name", "simulated"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    """A parcel: carrier, tracking number, contents, state and its tracking events (newest
    first), the promised and estimated dates."""

    carrier = ShipmentCarrierSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    tracking_url = serializers.CharField(read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)
    events = TrackingEventSerializer(many=True, read_only=True)
    shipped_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "order_number",
            "carrier",
            "tracking_number",
            "tracking_url",
            "state",
            "state_label",
            "destination",
            "ship_by",
            "shipped_at",
            "shipped_late",
            "picked_up_at",
            "delivered_at",
            "estimated_delivery",
            "last_event_at",
            "cost",
            "currency",
            "lines",
            "events",
        ]
        read_only_fields = fields


class BuyerParcelSerializer(ShipmentSerializer):
    """The buyer's view of a parcel (no carrier cost)."""

    shop = serializers.CharField(source="shop.name", read_only=True)

    class Meta(ShipmentSerializer.Meta):
        fields = [
            name for name in ShipmentSerializer.Meta.fields if name not in ("cost", "ship_by")
        ] + ["shop"]
        read_only_fields = fields


class WebhookResultSerializer(StrictSerializer):
    tracking_number = serializers.CharField()
    state = serializers.CharField()
    recorded = serializers.IntegerField()
    duplicates = serializers.IntegerField()
