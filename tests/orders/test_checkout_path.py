"""The checkout path, straightened (issue 10): a submit is priced once, a refused one too; a
logistics or provider failure is never hidden; the order services import one another in one
direction; the submit and the payment confirmation stay within their query budgets."""

import ast
import uuid
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from orders import selectors
from orders.errors import OrdersError
from orders.models import Checkout, Order, Payment
from orders.payments.offline import OfflineProvider
from orders.services import placement as placement_service
from tests.factories.orders import fill_cart, pay, place
from tests.orders.test_checkout_pages import choose_address, review

pytestmark = pytest.mark.django_db

SERVICES = Path(__file__).resolve().parents[2] / "orders" / "services"


@pytest.fixture
def pricing_calls():
    with mock.patch.object(selectors, "price_cart_lines", wraps=selectors.price_cart_lines) as spy:
        yield spy


def test_a_refused_submit_prices_the_cart_exactly_once(
    buyer_client, buyer, cup, bowl, pricing_calls, django_assert_max_num_queries
):
    fill_cart(buyer, (cup, 1), (bowl, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)
    pricing_calls.reset_mock()

    with django_assert_max_num_queries(16):
        response = buyer_client.post(
            reverse("checkout-review"), {**data, "expected_total": "0.01", "place": "1"}
        )

    assert response.status_code == 200 and "Please review it again" in response.content.decode()
    assert pricing_calls.call_count == 1  # by place_order, under its locks; the page reuses it
    assert response.context["summary"].priced.grand_total == Decimal(
        "143.50"
    )  # 88 + 35.50 + 2 × 10
    assert not Order.objects.exists()


def test_a_submit_refused_before_pricing_is_priced_once_for_the_page(
    buyer_client, buyer, cup, pricing_calls
):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)
    pricing_calls.reset_mock()

    response = buyer_client.post(
        reverse("checkout-review"),
        {**data, "place": "1", "invoice_type": "company", "invoice_title": "Jade Ltd"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["invoice_tax_number"]
    assert pricing_calls.call_count == 1
    assert not Order.objects.exists()


def test_insurance_ticked_on_the_review_is_priced_once(buyer_client, buyer, cup, pricing_calls):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)
    pricing_calls.reset_mock()

    buyer_client.post(
        reverse("checkout-review"), {**data, f"shop-{cup.shop_id}-insure": "on", "recalculate": "1"}
    )

    assert pricing_calls.call_count == 1


def test_a_two_shop_submit_stays_within_its_query_budget(
    buyer_client, buyer, cup, bowl, django_assert_max_num_queries
):
    fill_cart(buyer, (cup, 1), (bowl, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    with django_assert_max_num_queries(46):  # 50 before issue 10 (savepoints included)
        placed = buyer_client.post(reverse("checkout-review"), {**data, "place": "1"})

    assert placed.status_code == 302 and Order.objects.count() == 2


def test_a_payment_confirmation_stays_within_its_query_budget(
    buyer, cup, bowl, django_assert_max_num_queries
):
    placement = place(buyer, (cup, 1), (bowl, 1))

    with django_assert_max_num_queries(53):  # 58 before issue 10; the ledger's handlers apart
        pay(placement.payment)

    assert set(Order.objects.values_list("state", flat=True)) == {"paid"}


def test_a_replayed_submit_returns_the_same_orders_with_one_check(buyer, cup):
    token = uuid.uuid4()
    first = place(buyer, (cup, 1), token=token)

    with mock.patch.object(
        placement_service, "existing_placement", wraps=placement_service.existing_placement
    ) as check:
        again = place(buyer, token=token)

    assert check.call_count == 1
    assert not again.created and again.checkout.pk == first.checkout.pk
    assert Checkout.objects.count() == 1


def test_a_logistics_failure_while_quoting_is_an_error_not_a_flat_rate(buyer, cup):
    fill_cart(buyer, (cup, 1))

    with (
        mock.patch(
            "logistics.services.quoting.quote_for_shop",
            side_effect=RuntimeError("shipping templates unavailable"),
        ),
        pytest.raises(RuntimeError),
    ):
        place(buyer)

    assert not Order.objects.exists() and not Checkout.objects.exists()


def test_an_unexpected_failure_reading_the_province_is_not_called_undeliverable(buyer, cup):
    fill_cart(buyer, (cup, 1))

    with (
        mock.patch(
            "orders.services.placement.resolve_province", side_effect=RuntimeError("regions")
        ),
        pytest.raises(RuntimeError),
    ):
        place(buyer)

    assert not Order.objects.exists()


def test_an_unknown_province_is_refused_as_not_deliverable(buyer, cup):
    fill_cart(buyer, (cup, 1))
    buyer.addresses.update(province="Atlantis")

    with pytest.raises(OrdersError) as error:
        place(buyer)

    assert (error.value.code, error.value.field) == ("not_deliverable", "address")
    assert not Order.objects.exists()


def test_an_unreachable_provider_leaves_the_payment_failed_to_pay_again(buyer, cup):
    with mock.patch.object(
        OfflineProvider, "create_payment", side_effect=ConnectionError("provider down")
    ):
        placement = place(buyer, (cup, 1))

    assert placement.payment.state == Payment.State.FAILED
    assert placement.orders[0].state == Order.State.PENDING_PAYMENT


def test_a_provider_bug_is_not_swallowed(buyer, cup):
    with (
        mock.patch.object(OfflineProvider, "create_payment", side_effect=KeyError("amount")),
        pytest.raises(KeyError),
    ):
        place(buyer, (cup, 1))


def _service_imports(path: Path) -> list[tuple[str, bool]]:
    """(imported orders.services module, at module level?) for every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.startswith("orders.services.") and name.count(".") == 2:
                    found.append((name.split(".")[2], id(node) in top_level))
    return found


def test_the_order_services_import_each_other_in_one_direction():
    modules = {"cart", "lifecycle", "payments", "placement", "refunds"}
    graph = {}
    for name in modules:
        imports = _service_imports(SERVICES / f"{name}.py")
        assert all(top for target, top in imports if target in modules), name
        graph[name] = {target for target, _top in imports if target in modules}

    def reaches(start, goal, seen=()):
        return any(
            t == goal or (t not in seen and reaches(t, goal, {*seen, t})) for t in graph[start]
        )

    assert not [name for name in modules if reaches(name, name)]
    assert graph["refunds"] == set() and "payments" not in graph["lifecycle"]
