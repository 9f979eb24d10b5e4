"""Answers that the OpenAPI schema must describe: blank choices ("" for an application nobody has
decided, an order nobody cancelled), missing links (an application without a shop yet), and the
stock ledger's kinds (every kind in answers, only what a seller may record in requests)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework import serializers

from catalog.models import StockMovement
from tests.api.people import signed_in
from tests.factories.orders import paid_order
from tests.factories.shops import ShopApplicationFactory

pytestmark = pytest.mark.django_db


def _get(app, identity, path):
    return identity.client(app).get(path, headers=identity.headers)


def test_an_undecided_application_without_a_shop_answers_as_its_schema_says(
    shop, wsgi_app, api_schema
):
    ShopApplicationFactory(applicant=shop.owner)
    seller = signed_in("seller", shop.owner, shop_slug=shop.slug)

    listing = _get(wsgi_app, seller, "/api/v1/seller/applications/")
    [row] = listing.json["results"]
    detail = _get(wsgi_app, seller, f"/api/v1/seller/applications/{row['id']}/")

    assert (row["rejection_reason"], row["shop"]) == ("", None)
    api_schema["/api/v1/seller/applications/"]["GET"].validate_response(listing)
    api_schema["/api/v1/seller/applications/{id}/"]["GET"].validate_response(detail)


def test_an_order_nobody_cancelled_answers_as_its_schema_says(shop, wsgi_app, api_schema):
    order = paid_order(shop)
    buyer = signed_in("buyer", order.buyer)
    seller = signed_in("seller", shop.owner, shop_slug=shop.slug)

    mine = _get(wsgi_app, buyer, f"/api/v1/orders/{order.number}/")
    theirs = _get(wsgi_app, seller, f"/api/v1/seller/orders/{order.number}/")

    assert mine.json["cancelled_by"] == theirs.json["cancelled_by"] == ""
    api_schema["/api/v1/orders/{number}/"]["GET"].validate_response(mine)
    api_schema["/api/v1/seller/orders/{number}/"]["GET"].validate_response(theirs)


def test_the_stock_ledger_answers_every_kind_and_takes_only_what_a_seller_records(
    shop, wsgi_app, api_schema
):
    order = paid_order(shop)  # reserved, then sold
    seller = signed_in("seller", shop.owner, shop_slug=shop.slug)
    sku_id = order.lines.get().sku_id
    before = StockMovement.objects.count()

    listing = _get(wsgi_app, seller, "/api/v1/seller/stock-movements/")
    refused = seller.client(wsgi_app).post(
        "/api/v1/seller/stock-movements/",
        json={"sku": sku_id, "kind": "sold", "quantity": 1},
        headers=seller.headers,
    )

    assert {"reserved", "sold"} <= {row["kind"] for row in listing.json["results"]}
    api_schema["/api/v1/seller/stock-movements/"]["GET"].validate_response(listing)
    components = api_schema.raw_schema["components"]["schemas"]
    assert components["StockMovementKindEnum"]["enum"] == list(StockMovement.Kind.values)
    assert components["StockMovementRecordKindEnum"]["enum"] == ["received", "adjusted"]
    assert refused.status_code == 400
    assert "kind" in refused.json["error"]["fields"]
    assert StockMovement.objects.count() == before


def _api_model_serializers():
    """Every model serializer of the project's API modules (imported by the URLconf)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's api module
    project = {"marketplace", *settings.CHAPTER_APPS}
    pending, found = list(serializers.ModelSerializer.__subclasses__()), []
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in project and hasattr(cls, "Meta"):
            found.append(cls)
    return found


def test_every_choice_answer_that_may_be_blank_or_null_says_so():
    """DRF drops `allow_blank`/`allow_null` from a model field made read-only, and the schema then
    leaves "" (or null) out of the field's enum. A blank or null model field must be declared."""
    assert apps.is_installed("orders")
    undeclared = []
    for cls in _api_model_serializers():
        model = cls.Meta.model
        for name, field in cls().fields.items():
            if not isinstance(field, serializers.ChoiceField) or field.source == "*":
                continue
            try:
                model_field = model._meta.get_field(field.source)
            except Exception:  # noqa: BLE001, S112 - not a model field: nothing to compare
                continue
            blank_is_a_choice = "" in field.choices
            if model_field.blank and not (field.allow_blank or blank_is_a_choice):
                undeclared.append(f"{cls.__module__}.{cls.__name__}.{name}: blank")
            if model_field.null and not field.allow_null:
                undeclared.append(f"{cls.__module__}.{cls.__name__}.{name}: null")
    assert undeclared == []
