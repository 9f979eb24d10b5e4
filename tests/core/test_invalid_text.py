"""Text that is not text: a NUL character (which PostgreSQL cannot hold: "A string literal cannot
contain NUL characters") or bytes that are not UTF-8, in a path, a query string, a form or a JSON
body. Every such request is a 400 that names what is wrong and changes nothing, never a 500.

Routes are discovered from the URLconf and query parameters from the OpenAPI schema, so a new
route or parameter is covered without anyone listing it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from drf_spectacular.generators import SchemaGenerator

from catalog.models import Product
from orders.models import Order
from tests.factories.catalog import sku, tea_category
from tests.factories.orders import paid_order

pytestmark = pytest.mark.django_db

NUL = "a%00b"
CONVERTER = re.compile(r"<(?:[^>:]+:)?[^>]+>")  # path("<slug:slug>/")
GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")  # re_path("^(?P<pk>[^/.]+)/$"), DRF's routers
REGEX_LEFT = re.compile(r"[\\^$*+?()\[\]|]")


def _template(pattern) -> str | None:
    """A route with `{}` for each URL kwarg, or None for a regex that is not a plain route (the
    routers' format suffixes)."""
    if isinstance(pattern, RegexPattern):
        text = GROUP.sub("{}", str(pattern).removeprefix("^").removesuffix("$"))
        return None if REGEX_LEFT.search(text) else text
    return CONVERTER.sub("{}", str(pattern))


def _routes(patterns=None, prefix="/"):
    """Every route of the URLconf, as a template."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        template = _template(entry.pattern)
        if template is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + template)
        elif isinstance(entry, URLPattern):
            yield prefix + template


ROUTES = sorted(set(_routes()))
ROUTES_WITH_KWARGS = [route for route in ROUTES if "{}" in route]


def _query_parameters():
    """(path with its path parameters filled, query parameter names) of each API operation."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if names:
                found.setdefault(re.sub(r"{[^}]+}", "1", path), set()).update(names)
    return sorted((path, tuple(sorted(names))) for path, names in found.items())


QUERY_PARAMETERS = _query_parameters()


def _assert_refused(response, *, api: bool):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    if api:
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"]
    else:
        assert response["Content-Type"].startswith("text/html")
        assert b"400" in response.content
        assert b"characters that are not allowed" in response.content


def test_the_walks_find_the_routes_and_query_parameters():
    assert len(ROUTES_WITH_KWARGS) > 50
    assert "/api/v1/shops/{}/" in ROUTES_WITH_KWARGS
    assert "/seller/orders/{}/cancel/" in ROUTES_WITH_KWARGS
    assert len(QUERY_PARAMETERS) > 15


def _refusal_problem(response, *, api: bool) -> str | None:
    if response.status_code != 400:
        return f"{response.status_code}"
    if api and response.json()["error"]["code"] != "invalid":
        return "not the API's error shape"
    if not api and b"400" not in response.content:
        return "not the 400 page"
    return None


def test_a_nul_in_any_path_parameter_is_a_400(client, shop):
    """One request per route (a loop, not a parametrised test: a few hundred routes)."""
    client.raise_request_exception = False
    client.force_login(shop.owner)
    problems = {}

    for route in ROUTES_WITH_KWARGS:
        response = client.get(route.replace("{}", NUL))
        problem = _refusal_problem(response, api=route.startswith("/api/"))
        if problem:
            problems[route] = problem

    assert problems == {}


def test_a_nul_in_any_query_parameter_of_the_api_is_a_400_naming_it(client, shop):
    client.raise_request_exception = False
    client.force_login(shop.owner)
    problems = {}

    for path, names in QUERY_PARAMETERS:
        for name in names:
            response = client.get(f"{path}?{name}={NUL}")
            problem = _refusal_problem(response, api=True)
            if problem is None and name not in response.json()["error"]["fields"]:
                problem = "does not name the parameter"
            if problem:
                problems[f"{path}?{name}="] = problem

    assert problems == {}


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=a%00b",
        "/search/?q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded: not valid UTF-8
        "/search/?q=%FF",
        "/accounts/login/?next=%00",
        "/api/v1/products/?search=%ED%A0%80",
        "/api/v1/products/?%00=1",
        "/%00/",
    ],
)
def test_a_nul_or_bytes_that_are_not_utf8_anywhere_in_the_address_are_a_400(url, client, db):
    client.raise_request_exception = False

    response = client.get(url)

    _assert_refused(response, api=url.startswith("/api/"))


@pytest.mark.parametrize("url", ["/%ED%A0%80/", "/shops/a%FFb/", "/api/v1/shops/a%ED%A0%80b/"])
def test_a_path_that_is_not_utf8_is_only_an_unknown_address(url, client, db):
    """Django re-percent-encodes such bytes (RFC 3987): the view sees text, which finds nothing."""
    client.raise_request_exception = False

    assert client.get(url).status_code == 404


def test_valid_text_in_the_address_still_works(client, db):
    assert client.get("/search/?q=%E7%BB%BF%E8%8C%B6").status_code == 200  # 绿茶
    assert client.get("/api/v1/products/?search=caf%C3%A9").status_code == 200
    assert client.get("/shops/no-such-shop/").status_code == 404


def test_a_nul_in_a_form_field_read_by_a_page_is_a_400_and_changes_nothing(seller_client, shop):
    order = paid_order(shop)
    seller_client.raise_request_exception = False

    switched = seller_client.post("/seller/switch-shop/", {"shop": "shop\x00a"})
    cancelled = seller_client.post(
        f"/seller/orders/{order.number}/cancel/", {"reason": "out of\x00stock", "note": "x\x00"}
    )
    accepted = seller_client.post("/seller/orders/bulk-accept/", {"numbers": ["1\x00"]})

    for response in (switched, cancelled, accepted):
        _assert_refused(response, api=False)
    order.refresh_from_db()
    assert order.state == Order.State.PAID


@pytest.fixture
def product_payload(reference_data):
    category = tea_category()
    row = sku("NUL-1", "9.90", stock=1)
    return {
        "category": category.pk,
        "title": "Longjing green tea",
        "skus": [{"code": row.code, "price": "9.90", "stock": 1}],
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "Longjing\x00"}, "title"),
        ({"attributes": {"grade\x00": "first"}}, "attributes"),
        ({"attributes": {"grade": "first\x00"}}, "attributes"),
        ({"attributes": {"grade": ["first", {"x": "\x00"}]}}, "attributes"),
        ({"tags": ["green", "a\x00"]}, "tags"),
        ({"skus": [{"code": "NUL-1", "price": "9.90", "options": {"size\x00": "S"}}]}, "skus"),
    ],
)
def test_a_nul_anywhere_in_a_json_body_is_a_400_naming_the_field_and_changes_nothing(
    change, field, shop, api_client, product_payload
):
    api_client.force_authenticate(shop.owner)

    response = api_client.post(
        "/api/v1/seller/products/", {**product_payload, **change}, format="json"
    )

    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["error"]["fields"]
    assert b"\\u0000" not in response.content  # the refusal does not echo the text back
    assert not Product.objects.filter(shop=shop).exists()
