"""Listing states: draft → (pending review →) live → delisted, blocked by the platform."""

import pytest

from catalog.errors import CatalogError
from catalog.models import Product
from catalog.services import listing
from catalog.services import products as product_services
from compliance.models import AuditLog
from marketplace.core.errors import ConflictError
from marketplace.core.models import Notification, StateEvent
from marketplace.core.states import history
from tests.factories.accounts import UserFactory
from tests.factories.catalog import add_ready_image, make_product, product_data, sku, tea_category


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def test_publishing_needs_an_image_and_the_required_specs(shop, green_tea):
    product = make_product(shop, green_tea, attributes={})
    with pytest.raises(CatalogError) as error:
        listing.publish_product(product, shop=shop, actor=shop.owner)
    message = str(error.value.message)
    assert "Add at least one image" in message
    assert "Origin" in message
    assert Product.objects.get(pk=product.pk).state == "draft"


def test_a_complete_draft_goes_live_with_an_event_row(shop, product):
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    product.refresh_from_db()
    assert product.state == "live"
    assert product.published_at is not None
    event = history(product).last()
    assert (event.from_state, event.to_state, event.actor) == ("draft", "live", shop.owner)


def test_a_category_that_needs_review_sends_it_to_moderation(shop, staff):
    category = tea_category(requires_review=True)
    product = make_product(shop, category)
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    assert product.state == "pending_review"
    listing.approve_product(product, actor=staff)
    assert product.state == "live"
    assert Notification.objects.filter(user=shop.owner, title__contains="approved").exists()
    # A moderated change to the live listing sends it back to review.
    data = product_data(category, title="West Lake Longjing green tea, spring picking")
    product_services.update_product(product, shop=shop, actor=shop.owner, data=data)
    product.refresh_from_db()
    assert product.state == "pending_review"
    assert "title" in history(product).last().reason


def test_rejection_and_blocking_need_a_reason_and_are_audited(shop, product, staff):
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    with pytest.raises(CatalogError):
        listing.block_product(product, actor=staff, reason="  ")
    listing.block_product(product, actor=staff, reason="Counterfeit complaint #12")
    product.refresh_from_db()
    assert (product.state, product.state_reason) == ("blocked", "Counterfeit complaint #12")
    assert AuditLog.objects.filter(
        action="catalog.product.moderated.blocked", shop_id=shop.pk
    ).exists()
    note = Notification.objects.get(user=shop.owner, title__contains="blocked")
    assert "Counterfeit complaint #12" in note.body
    # The seller can neither edit nor publish a blocked listing.
    with pytest.raises(CatalogError):
        product_services.update_product(
            product, shop=shop, actor=shop.owner, data=product_data(product.category)
        )
    with pytest.raises(ConflictError):
        listing.publish_product(product, shop=shop, actor=shop.owner)
    listing.unblock_product(product, actor=staff, reason="Complaint withdrawn")
    assert product.state == "delisted"


def test_an_invalid_transition_is_a_conflict_and_changes_nothing(shop, product):
    with pytest.raises(ConflictError):
        listing.delist_product(product, shop=shop, actor=shop.owner)  # a draft is not on sale
    assert Product.objects.get(pk=product.pk).state == "draft"
    assert not StateEvent.objects.filter(object_id=str(product.pk)).exists()


def test_delisting_and_relisting(shop, product):
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    listing.delist_product(product, shop=shop, actor=shop.owner, reason="Out of season")
    assert product.state == "delisted"
    listing.publish_product(product, shop=shop, actor=shop.owner)
    assert product.state == "live"
    assert [e.to_state for e in history(product)] == ["live", "delisted", "live"]


def test_a_restricted_shop_may_relist_but_not_list_new_products(shop, green_tea):
    listed = make_product(shop, green_tea)
    add_ready_image(listed)
    listing.publish_product(listed, shop=shop, actor=shop.owner)
    listing.delist_product(listed, shop=shop, actor=shop.owner)
    fresh = make_product(
        shop, green_tea, title="Biluochun green tea 100g", skus=[sku("BLC-1", "30.00")]
    )
    add_ready_image(fresh)
    shop.state = shop.State.RESTRICTED
    shop.save()
    listing.publish_product(listed, shop=shop, actor=shop.owner)
    with pytest.raises(CatalogError) as error:
        listing.publish_product(fresh, shop=shop, actor=shop.owner)
    assert "cannot list new products" in str(error.value.message)


def test_products_follow_their_shops_name_and_visibility(shop, product):
    from shops.services import change_shop_state

    shop.name = "Shop A Renamed"
    shop.save(update_fields=["name"])
    change_shop_state(shop=shop, to=shop.State.SUSPENDED, actor=shop.owner, reason="Complaints")
    product.refresh_from_db()
    assert (product.shop_name, product.shop_visible) == ("Shop A Renamed", False)
    change_shop_state(shop=shop, to=shop.State.ACTIVE, actor=shop.owner, reason="Resolved")
    product.refresh_from_db()
    assert product.shop_visible is True
