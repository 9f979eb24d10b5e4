"""Platform staff: the category tree with its attribute templates, and listing moderation."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.models import Category, Product
from catalog.services import listing
from compliance.models import AuditLog
from tests.factories.accounts import UserFactory
from tests.factories.catalog import add_ready_image


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def live_product(shop, product):
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    return product


def test_a_category_with_its_attribute_template_is_added_in_admin(admin_client, green_tea):
    url = reverse("admin:catalog_category_add")
    data = {
        "parent": green_tea.parent_id,
        "name": "Oolong tea",
        "name_zh": "乌龙茶",
        "slug": "oolong-tea",
        "position": "1",
        "commission_rate": "6.50",
        "requires_review": "on",
        "is_active": "on",
        "attributes-TOTAL_FORMS": "1",
        "attributes-INITIAL_FORMS": "0",
        "attributes-0-position": "0",
        "attributes-0-code": "roast",
        "attributes-0-name": "Roast",
        "attributes-0-name_zh": "焙火",
        "attributes-0-type": "choice",
        "attributes-0-choices": "light | Light | 轻焙\nheavy | Heavy | 重焙",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    oolong = Category.objects.get(slug="oolong-tea")
    assert oolong.path == f"{green_tea.parent.path}{oolong.pk}/" and oolong.is_leaf
    assert oolong.attributes.get().choices == [
        ["light", "Light", "轻焙"],
        ["heavy", "Heavy", "重焙"],
    ]
    assert admin_client.get(reverse("admin:catalog_category_changelist")).status_code == 200


def test_a_choice_attribute_needs_choices(admin_client, green_tea):
    data = {
        "name": "Black tea", "name_zh": "红茶", "slug": "black-tea", "position": "0",
        "commission_rate": "5", "is_active": "on",
        "attributes-TOTAL_FORMS": "1", "attributes-INITIAL_FORMS": "0",
        "attributes-0-position": "0", "attributes-0-code": "grade", "attributes-0-name": "Grade",
        "attributes-0-name_zh": "等级", "attributes-0-type": "choice", "attributes-0-choices": "",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:catalog_category_add"), data)
    assert response.status_code == 200
    assert not Category.objects.filter(slug="black-tea").exists()


def test_blocking_asks_for_a_reason_and_tells_the_seller(admin_client, shop, live_product):
    url = reverse("admin:catalog_product_changelist")
    ask = admin_client.post(
        url, {"action": "block_selected", ACTION_CHECKBOX_NAME: [live_product.pk]}
    )
    assert ask.status_code == 200 and b"Reason" in ask.content
    empty = admin_client.post(
        url,
        {
            "action": "block_selected",
            ACTION_CHECKBOX_NAME: [live_product.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert empty.status_code == 200
    assert Product.objects.get(pk=live_product.pk).state == "live"
    admin_client.post(
        url,
        {
            "action": "block_selected",
            ACTION_CHECKBOX_NAME: [live_product.pk],
            "apply": "1",
            "reason": "Fake brand",
        },
    )
    live_product.refresh_from_db()
    assert (live_product.state, live_product.state_reason) == ("blocked", "Fake brand")
    assert AuditLog.objects.filter(action="catalog.product.moderated.blocked").exists()
    admin_client.post(
        url,
        {
            "action": "unblock_selected",
            ACTION_CHECKBOX_NAME: [live_product.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert Product.objects.get(pk=live_product.pk).state == "delisted"
    page = admin_client.get(reverse("admin:catalog_product_change", args=[live_product.pk]))
    assert page.status_code == 200 and b"Fake brand" in page.content


def test_staff_without_the_moderation_permission_get_no_actions(client, live_product):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(viewer)
    page = client.get(reverse("admin:catalog_product_changelist"))
    assert page.status_code == 200
    assert b"block_selected" not in page.content
    viewer.user_permissions.add(Permission.objects.get(codename="moderate_product"))
    page = client.get(reverse("admin:catalog_product_changelist"))
    assert b"block_selected" in page.content


def test_read_only_records_open(admin_client, product):
    for name in ("stockmovement", "stockalert", "stocktake", "bulkjob"):
        assert admin_client.get(reverse(f"admin:catalog_{name}_changelist")).status_code == 200
