"""Schemathesis over the whole OpenAPI schema, in-process, against the real test database.

Every operation of `/api/schema/` is fuzzed: the schema is loaded from the running app, so an
endpoint is covered the moment it is mounted and nothing here lists endpoints. Each operation
gets generated requests, valid ones (positive) and invalid ones (negative: wrong types, missing
fields, NUL bytes, ...), as three people: an anonymous visitor, a buyer (with an address, a cart
line and a paid order) and a seller (the owner of a shop with products, a sale in its stock
ledger and a shop application; `X-Shop` names the shop). An operation on one object
(`/orders/{number}/...`) is also called with the identifier of a real object, read from the
list beside it (`GET /orders/`), so that its documented answer is checked on real rows too; and
every operation with a NUL in its path parameters and in each of its query parameters.

Every response must not be a server error, and every documented response must conform to the
schema (`response_schema_conformance`: the body of a documented status validates against it).

How: schemathesis' WSGI transport sends each request into Django's own `WSGIHandler`, through the
whole middleware stack, signed in by session cookie with a CSRF token, as a browser would be.
Each request runs inside a savepoint that is rolled back afterwards, so every example sees the
same data, and a request that broke the transaction cannot poison the next one.

Why not `schemathesis.pytest.from_fixture` (its lazy pytest integration): it renames pytest's
`Node._nodeid`, which pytest 9.2 no longer has. The loop below does the same work through
schemathesis' public API (`APIOperation.as_strategy`, `Case.call`, `Case.validate_response`)
with one Hypothesis `@given` per operation.

Bounded: EXAMPLES examples per operation (positive and negative drawn together), derandomized
(the same examples every run: a failure reproduces and the suite never flakes on a new draw),
no example database, no shrinking, a per-example deadline. The three people are three tests,
which pytest-xdist spreads over its workers.

Skipped, and why: no operation. Not run: `status_code_conformance`, because the schema documents
success responses only and every error shares the one error shape (docs/architecture.md, "Error
shape"). Not generated: security parameters, because an invented `Authorization` header would
only test that a made-up token is refused, and would hide the person's own session.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.people import Identity, signed_in
from tests.factories.accounts import AddressFactory, UserFactory
from tests.factories.catalog import make_product, sku, tea_category
from tests.factories.orders import fill_cart, live_sku, paid_order
from tests.factories.shops import ShopApplicationFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 3  # generated requests per operation, valid and invalid mixed
KNOWN_EXAMPLES = 1  # requests per operation on one real object
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_world(shop, media_root, reference_data):
    """What the three people own, so that lists and details answer with real rows: the shop's
    products and stock ledger (with a sale), a shop application of its owner, a buyer with an
    address, a paid order and a cart line."""
    buyer = UserFactory(email="fuzz-buyer@example.com")
    AddressFactory(user=buyer, is_default=True)
    paid_order(shop, buyer=buyer)
    fill_cart(buyer, (live_sku(shop, title="Teapot for the cart"), 1))
    make_product(shop, tea_category(), title="Draft tea", skus=[sku("FUZZ-1", "9.90", stock=3)])
    ShopApplicationFactory(applicant=shop.owner, with_documents=True)
    return {
        "anonymous": Identity("anonymous"),
        "buyer": signed_in("buyer", buyer),
        "seller": signed_in("seller", shop.owner, shop_slug=shop.slug),
    }


def _known_path_parameters(app, operation, identity: Identity) -> dict | None:
    """The identifier of a real object for an operation on one object, from the list beside it:
    for `/api/v1/orders/{number}/cancel/`, the first `number` that `GET /api/v1/orders/` shows."""
    names = [parameter.name for parameter in operation.path_parameters]
    if len(names) != 1:
        return None
    listing = identity.client(app).get(operation.path.split("{")[0], headers=identity.headers)
    if listing.status_code != 200 or not listing.is_json:
        return None
    rows = listing.json.get("results") if isinstance(listing.json, dict) else listing.json
    if not rows or not isinstance(rows[0], dict) or names[0] not in rows[0]:
        return None
    return {names[0]: rows[0][names[0]]}


def _hostile_parameters(operation) -> list[dict]:
    """A NUL in the path parameters, then in each query parameter alone (so that no other one
    refuses the request first): text PostgreSQL cannot hold, which used to reach a query as a
    slug or a filter, and is a 400 now (marketplace.core.invalid_text)."""
    hostile = []
    if len(operation.path_parameters):
        hostile.append({"path_parameters": {p.name: "a\x00b" for p in operation.path_parameters}})
    hostile.extend({"query": {p.name: "a\x00b"}} for p in operation.query)
    return hostile


def _fuzz(operation, identity: Identity, strategy, examples: int) -> None:
    @hypothesis_settings(
        max_examples=examples,
        deadline=3000,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=identity.headers, cookies=identity.cookies)
        finally:
            transaction.savepoint_rollback(savepoint)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ["anonymous", "buyer", "seller"])
def test_every_operation_answers_without_a_server_error_and_as_documented(
    role, api_world, wsgi_app, api_schema
):
    identity = api_world[role]
    # `.ok()` raises for an operation the schema cannot describe: that fails the test too.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50  # the whole schema, not a part of it

    failures = []
    for operation in operations:
        # Negative cases mixed with positive ones: where nothing can be made invalid (a free-text
        # parameter, no body) the negative side draws nothing and the positive side still runs.
        runs = [
            (
                st.one_of(
                    operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                    operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
                ),
                EXAMPLES,
            )
        ]
        known = _known_path_parameters(wsgi_app, operation, identity)
        if known:
            runs.append((operation.as_strategy(path_parameters=known), KNOWN_EXAMPLES))
        runs.extend((operation.as_strategy(**fixed), 1) for fixed in _hostile_parameters(operation))
        for strategy, examples in runs:
            try:
                _fuzz(operation, identity, strategy, examples)
            except (Exception, FailureGroup) as error:  # noqa: BLE001 - all reported below
                failures.append(f"{operation.label}: {error}")

    assert not failures, f"{len(failures)} failures as {role}:\n\n" + "\n\n".join(failures)
