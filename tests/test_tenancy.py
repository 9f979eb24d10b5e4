"""The tenancy walk (SPEC §3, DESIGN §3): every seller page and every API route, tried by a member
of shop B against shop A's objects, must answer 404 (never 403, never A's data) and change nothing.

Routes are discovered, not listed: seller pages from the URLconf (every pattern under the
`seller` namespace), API routes from the OpenAPI schema (drf-spectacular's generator). A new
route is covered the moment it is mounted. To fill a route's URL the walk needs, for each URL
kwarg (seller pages) or path parameter's model (API), a way to name one of shop A's objects:
the registries SELLER_KWARGS and API_MODELS below. A route with a kwarg or model the registries
do not know FAILS, with a message saying what to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from catalog.models import BulkJob, Category, Product, ProductImage, Sku, StockMovement, Stocktake
from compliance.models import AuditLog
from logistics.models import Shipment, ShippingTemplate
from marketplace.accounts.models import Address, ApiToken
from marketplace.accounts.services import issue_api_token
from marketplace.core.notifications import notify
from orders.models import CartLine, Checkout, LedgerEntry, Order, Statement
from shops import services
from shops.models import ApplicationDocument, Invitation, Membership, Shop, ShopApplication
from shops.roles import Role
from shops.scoping.api import IsShopMember
from tests.factories.accounts import AddressFactory, UserFactory
from tests.factories.catalog import add_ready_image, make_product, sku, tea_category
from tests.factories.logistics import ShippingRuleFactory, ShippingTemplateFactory
from tests.factories.orders import tenancy_objects as order_objects
from tests.factories.shops import MembershipFactory, ShopApplicationFactory
from tests.logistics.fulfilment.builders import tenancy_shipment

pytestmark = pytest.mark.django_db

# Text that only shop A's objects contain: none of it may appear in a page served to shop B.
A_MARKERS = [
    "Shop A Teahouse",
    "a-staff-zz@example.com",
    "a-invitee-zz@example.com",
    "Zz Secret Application",
    "Zz secret notification",
    "Zz Secret Street",
    "Zz Secret Shipping Template",
    "Zz Secret Catalog Product",
    "ZZ-SECRET-SKU",
    "Zz Secret Ledger Memo",
    "ZZSECRETPARCEL1",  # logistics: shop A's parcel's tracking number
    "Zz Secret Token",  # accounts: an API token of shop A's owner
]


@dataclass
class ShopAObjects:
    """One of each kind of object that belongs to shop A (or to its owner)."""

    shop: Shop
    membership: Membership
    invitation: Invitation
    invitation_token: str
    application: ShopApplication
    document: ApplicationDocument
    notification: Any
    address: Address
    shipping_template: ShippingTemplate
    order: Order  # a paid order of shop A (its address says "Zz Secret Street")
    cart_line: CartLine  # a line in the cart of shop A's owner (user-scoped)
    product: Product  # catalog: a draft product with one SKU, an image, a stocktake, an export
    sku: Sku
    image: ProductImage
    movement: StockMovement
    stocktake: Stocktake
    job: BulkJob
    category: Category
    ledger_entry: LedgerEntry  # orders' money side: a ledger row and a statement of shop A
    statement: Statement
    shipment: Shipment  # logistics: a parcel of another paid order of shop A, with its tracking
    api_token: ApiToken  # accounts: an API token of shop A's owner (user-scoped)

    def rows(self):
        return [
            self.shop,
            self.membership,
            self.invitation,
            self.application,
            self.document,
            self.notification,
            self.address,
            self.shipping_template,
            self.order,
            self.cart_line,
            self.product,
            self.sku,
            self.image,
            self.stocktake,
            self.job,
            self.ledger_entry,
            self.statement,
            self.shipment,
            self.api_token,
        ]


@pytest.fixture
def a_objects(shop, media_root, reference_data, django_capture_on_commit_callbacks) -> ShopAObjects:
    staff_user = UserFactory(email="a-staff-zz@example.com")
    membership = MembershipFactory(shop=shop, user=staff_user, role=Role.CUSTOMER_SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_staff(
            shop=shop,
            actor=shop.owner,
            email="a-invitee-zz@example.com",
            role=Role.FULFILMENT,
        )
    application = ShopApplicationFactory(
        applicant=shop.owner, shop_name="Zz Secret Application", with_documents=True
    )
    notification = notify(
        shop.owner,
        title="Zz secret notification of shop A",
        shop_id=shop.pk,
        email_template=None,
    )
    address = AddressFactory(user=shop.owner, detail="Zz Secret Street 1")
    order, cart_line = order_objects(shop)
    from catalog.services import bulk, stocktakes

    category = tea_category()
    product = make_product(
        shop,
        category,
        title="Zz Secret Catalog Product",
        skus=[sku("ZZ-SECRET-SKU", "9.90", stock=4)],
    )
    image = add_ready_image(product)
    stocktake = stocktakes.start_stocktake(
        shop=shop, actor=shop.owner, title="Zz count", product_ids=[product.pk]
    )
    job = bulk.start_export(shop=shop, actor=shop.owner, fmt="csv")
    bulk.run_job(job.pk)
    ledger_entry, statement = finance_objects(shop)
    return ShopAObjects(
        shop=shop,
        membership=membership,
        invitation=invitation,
        invitation_token=token,
        application=application,
        document=application.documents.first(),
        notification=notification,
        address=address,
        shipping_template=ShippingRuleFactory(
            template=ShippingTemplateFactory(shop=shop, name="Zz Secret Shipping Template")
        ).template,
        order=order,
        cart_line=cart_line,
        product=product,
        sku=product.skus.get(),
        image=image,
        movement=StockMovement.objects.filter(sku__product=product).first(),
        stocktake=stocktake,
        job=job,
        category=category,
        ledger_entry=ledger_entry,
        statement=statement,
        shipment=tenancy_shipment(shop),
        api_token=issue_api_token(user=shop.owner, name="Zz Secret Token")[0],
    )


def finance_objects(shop):
    """A ledger row of shop A (booked last month, its memo a marker) and last month's statement."""
    from datetime import datetime, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from orders.finance.services import settlement

    start, end = settlement.statement_period(timezone.localdate().replace(day=1) - timedelta(1))
    when = datetime.combine(start, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    entry = LedgerEntry.objects.create(
        shop=shop,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=Decimal("7.77"),
        currency="CNY",
        source="tenancy:zz",
        memo="Zz Secret Ledger Memo",
        created_at=when,
        available_at=when,
    )
    statement = settlement.generate_statement(shop=shop, currency="CNY", start=start, end=end)
    return entry, statement


# --- Registries ---------------------------------------------------------------------------------
# Seller URL kwarg → how to name shop A's object (or, for a non-object kwarg, a valid value).
SELLER_KWARGS = {
    "application_id": lambda a: a.application.pk,
    "document_id": lambda a: a.document.pk,
    "membership_id": lambda a: a.membership.pk,
    "invitation_id": lambda a: a.invitation.pk,
    "notification_id": lambda a: a.notification.pk,
    "token": lambda a: a.invitation_token,
    "step": lambda a: "shop",  # a wizard step of the (foreign) application, not an object
    "template_id": lambda a: a.shipping_template.pk,  # logistics: a shipping template
    "number": lambda a: a.order.number,  # orders: an order of shop A
    "product_id": lambda a: a.product.pk,  # catalog
    "image_id": lambda a: a.image.pk,
    "sku_id": lambda a: a.sku.pk,
    "stocktake_id": lambda a: a.stocktake.pk,
    "job_id": lambda a: a.job.pk,
    "what": lambda a: "result",  # which file of a bulk job to download, not an object
    "statement_id": lambda a: a.statement.pk,  # orders' finance: a settlement statement
}

# API path parameter → by the model of the view's queryset (for `id`/`pk`), or by name.
API_MODELS = {
    Membership: lambda a: a.membership.pk,
    Invitation: lambda a: a.invitation.pk,
    ShopApplication: lambda a: a.application.pk,
    Address: lambda a: a.address.pk,  # the buyer's own address book (user-scoped)
    ApiToken: lambda a: a.api_token.pk,  # the user's own API tokens (user-scoped)
    ShippingTemplate: lambda a: a.shipping_template.pk,
    Shipment: lambda a: a.shipment.pk,  # seller parcels (shop-scoped), buyer parcels (user-scoped)
    Order: lambda a: a.order.number,  # seller orders (shop-scoped) and the buyer's (user-scoped)
    Checkout: lambda a: a.order.checkout.token,  # the buyer's checkouts (user-scoped)
    CartLine: lambda a: a.cart_line.pk,  # the owner's own cart (user-scoped)
    Product: lambda a: a.product.pk,  # catalog (seller API; the public API shows live ones)
    Sku: lambda a: a.sku.pk,
    ProductImage: lambda a: a.image.pk,
    StockMovement: lambda a: a.movement.pk,
    LedgerEntry: lambda a: a.ledger_entry.pk,  # orders' finance (seller API, read-only)
    Statement: lambda a: a.statement.pk,
}
# Routes that are public on purpose (answering for everyone), by model: checked read-only.
PUBLIC_API_MODELS = {
    Shop: lambda a: a.shop.slug,
    Category: lambda a: a.category.pk,  # the platform's category tree
}

TEACH = (
    "tests/test_tenancy.py does not know how to make shop A's object for {what} of route "
    "{route}. Teach it: add {key!r}: lambda a: <shop A's value> to {registry} (create the object "
    "in the `a_objects` fixture if needed)."
)


# --- Discovery ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SellerRoute:
    name: str
    route: str
    kwargs: tuple[str, ...]


def _pattern_kwargs(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern.pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def _walk(patterns, prefix="", kwargs=()):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        names = (*kwargs, *_pattern_kwargs(entry))
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route, names)
        elif isinstance(entry, URLPattern):
            yield entry, route, names


def seller_routes() -> list[SellerRoute]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "seller":
            return [
                SellerRoute(name=pattern.name or "", route=route, kwargs=tuple(names))
                for pattern, route, names in _walk(entry.url_patterns, str(entry.pattern))
            ]
    raise AssertionError("No URLconf under the `seller` namespace was found.")


def api_operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


SELLER_ROUTES = seller_routes()
API_OPERATIONS = api_operations()
API_PATHS = sorted({path for path, _method in API_OPERATIONS})


def _snapshot(a: ShopAObjects):
    state = {}
    for row in a.rows():
        fresh = type(row)._default_manager.filter(pk=row.pk).first()
        state[(type(row).__name__, row.pk)] = None if fresh is None else model_to_dict(fresh)
    state["audit"] = AuditLog.objects.filter(shop_id=a.shop.pk).count()
    state["memberships"] = Membership.objects.filter(shop=a.shop).count()
    return state


def _assert_no_leak(response, where):
    body = response.content.decode(errors="replace")
    for marker in A_MARKERS:
        assert marker not in body, f"{where} showed shop A's data ({marker!r}) to shop B"


# --- Seller pages -------------------------------------------------------------------------------
def test_the_walk_finds_the_seller_pages_and_api_routes():
    names = {route.name for route in SELLER_ROUTES}
    assert {"dashboard", "staff", "staff-role", "application-step", "accept-invitation"} <= names
    assert "/api/v1/seller/staff/{id}/" in API_PATHS
    assert all(route.name for route in SELLER_ROUTES), (
        "Every seller URL pattern needs a name (the tenancy walk reverses it): "
        + ", ".join(route.route for route in SELLER_ROUTES if not route.name)
    )


@pytest.mark.parametrize("route", SELLER_ROUTES, ids=lambda r: r.name or r.route)
def test_seller_page_as_shop_b_on_shop_a_objects(route, a_objects, other_seller_client):
    unknown = [kwarg for kwarg in route.kwargs if kwarg not in SELLER_KWARGS]
    if unknown:
        pytest.fail(
            TEACH.format(
                what=f"the URL kwarg {unknown[0]!r}",
                route=route.route,
                key=unknown[0],
                registry="SELLER_KWARGS",
            )
        )
    kwargs = {kwarg: SELLER_KWARGS[kwarg](a_objects) for kwarg in route.kwargs}
    url = reverse(f"seller:{route.name}", kwargs=kwargs)
    before = _snapshot(a_objects)

    get = other_seller_client.get(url)
    post = other_seller_client.post(url, {"role": "owner", "shop": a_objects.shop.slug})

    statuses = {get.status_code, post.status_code}
    assert statuses < {200, 302, 400, 404, 405} and not statuses & {500}, (url, statuses)
    if route.kwargs:
        assert statuses <= {404, 405} and 404 in statuses, (
            f"{url} answered GET {get.status_code} / POST {post.status_code} to a member of "
            "shop B; another shop's object must be a 404"
        )
    _assert_no_leak(get, url)
    _assert_no_leak(post, url)
    assert _snapshot(a_objects) == before, f"{url} changed shop A's data"


def test_switching_to_a_shop_one_is_not_a_member_of_is_a_404(a_objects, other_seller_client):
    response = other_seller_client.post(reverse("seller:switch-shop"), {"shop": "shop-a"})

    assert response.status_code == 404
    page = other_seller_client.get(reverse("seller:dashboard"))
    assert "Shop B Ceramics" in page.content.decode()
    _assert_no_leak(page, "dashboard")


# --- API ----------------------------------------------------------------------------------------
def _api_view_class(path):
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    match = resolve(concrete)
    return getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)


def _api_value(path, param, a):
    view_class = _api_view_class(path)
    model = None
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        model = queryset.model
    if model in API_MODELS:
        return API_MODELS[model](a), False
    if model in PUBLIC_API_MODELS:
        return PUBLIC_API_MODELS[model](a), True
    pytest.fail(
        TEACH.format(
            what=f"the path parameter {param!r} (model {model.__name__ if model else '?'})",
            route=path,
            key=model.__name__ if model else param,
            registry="API_MODELS",
        )
    )


@pytest.mark.parametrize("path", API_PATHS)
def test_api_route_as_shop_b_on_shop_a_objects(path, a_objects, other_shop):
    client = APIClient()
    client.force_authenticate(other_shop.owner)
    methods = [method for p, method in API_OPERATIONS if p == path]
    params = re.findall(r"\{([^}]+)\}", path)
    before = _snapshot(a_objects)
    url, public = path, False
    for param in params:
        value, public = _api_value(path, param, a_objects)
        url = url.replace("{" + param + "}", str(value))

    view_class = _api_view_class(path)
    shop_scoped = any(
        isinstance(permission, type) and issubclass(permission, IsShopMember)
        for permission in getattr(view_class, "permission_classes", [])
    )
    for method in methods:
        response = client.generic(method, url, data="{}", content_type="application/json")
        assert response.status_code < 500, (method, url, response.status_code)
        if params and not public:
            assert response.status_code == 404, (
                f"{method} {url} answered {response.status_code} to a member of shop B; another "
                "shop's object must be a 404"
            )
        if not public:  # a public route shows shop A's public profile, by design
            _assert_no_leak(response, f"{method} {url}")
        # Naming shop A in the X-Shop header does not make B a member of it.
        if shop_scoped:
            spoofed = client.generic(
                method,
                url,
                data="{}",
                content_type="application/json",
                HTTP_X_SHOP=a_objects.shop.slug,
            )
            assert spoofed.status_code == 404, (method, url, spoofed.status_code)
            _assert_no_leak(spoofed, f"{method} {url} with X-Shop: shop-a")
    if public:
        assert set(methods) <= {"GET"}, f"public route {path} must be read-only"
    assert _snapshot(a_objects) == before, f"{path} changed shop A's data"


def test_every_shop_owned_model_is_reachable_through_the_registries():
    """A new ShopOwnedModel without a seller route is fine; one WITH a route is caught above.
    This only checks the registries stay pointed at real models."""
    for model in (*API_MODELS, *PUBLIC_API_MODELS):
        assert apps.get_model(model._meta.label) is model


def test_a_suspended_shop_is_gone_from_the_public_api_and_page(a_objects, client):
    services.change_shop_state(
        shop=a_objects.shop,
        to=Shop.State.SUSPENDED,
        actor=a_objects.shop.owner,
        reason="Counterfeit complaints",
    )

    assert client.get(f"/api/v1/shops/{a_objects.shop.slug}/").status_code == 404
    assert client.get(a_objects.shop.get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_from_every_seller_page(a_objects):
    anonymous = Client()
    for route in SELLER_ROUTES:
        if any(kwarg not in SELLER_KWARGS for kwarg in route.kwargs):
            continue  # reported by the walk above
        kwargs = {kwarg: SELLER_KWARGS[kwarg](a_objects) for kwarg in route.kwargs}
        url = reverse(f"seller:{route.name}", kwargs=kwargs)
        response = anonymous.get(url)
        assert response.status_code in {302, 405}, (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login")), url
