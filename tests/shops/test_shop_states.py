import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from compliance.models import AuditLog
from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.models import Notification, StateEvent
from shops import services
from shops.models import Shop
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_staff(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_shop_state", "view_shop", "change_shop"])
    )
    return user


def test_suspending_a_shop_is_audited_notified_and_hides_it(shop, platform_staff, client):
    assert client.get(shop.get_absolute_url()).status_code == 200

    services.change_shop_state(
        shop=shop, to=Shop.State.SUSPENDED, actor=platform_staff, reason="Counterfeit complaints"
    )

    shop.refresh_from_db()
    assert shop.state == Shop.State.SUSPENDED and shop.state_reason == "Counterfeit complaints"
    assert client.get(shop.get_absolute_url()).status_code == 404
    entry = AuditLog.objects.get(action="shop.state_changed", shop_id=shop.pk)
    assert (entry.before, entry.after) == ({"state": "active"}, {"state": "suspended"})
    assert entry.reason == "Counterfeit complaints"
    assert StateEvent.objects.get(machine="shop").shop_id == shop.pk
    note = Notification.objects.get(user=shop.owner)
    assert "suspended" in note.title and "Counterfeit" in note.body


def test_a_restricted_shop_stays_visible(shop, platform_staff, client):
    services.change_shop_state(
        shop=shop, to=Shop.State.RESTRICTED, actor=platform_staff, reason="Late shipments"
    )

    assert client.get(shop.get_absolute_url()).status_code == 200
    shop.refresh_from_db()
    assert not shop.can_list_products


def test_a_closed_shop_cannot_be_reopened_and_a_reason_is_required(shop, platform_staff):
    with pytest.raises(DomainError):
        services.change_shop_state(
            shop=shop, to=Shop.State.CLOSED, actor=platform_staff, reason="  "
        )
    services.change_shop_state(
        shop=shop, to=Shop.State.CLOSED, actor=platform_staff, reason="Owner asked"
    )

    with pytest.raises(ConflictError):
        services.change_shop_state(
            shop=shop, to=Shop.State.ACTIVE, actor=platform_staff, reason="Oops"
        )
    shop.refresh_from_db()
    assert shop.state == Shop.State.CLOSED


def test_the_seller_center_shows_the_state_and_its_reason(shop, platform_staff, seller_client):
    services.change_shop_state(
        shop=shop, to=Shop.State.RESTRICTED, actor=platform_staff, reason="Late shipments"
    )

    page = seller_client.get(reverse("seller:dashboard")).content.decode()

    assert "Restricted (cannot list new products)" in page
    assert "Late shipments" in page


def test_admin_state_page_and_bulk_action(shop, other_shop, platform_staff, client):
    client.force_login(platform_staff)

    single = client.post(
        reverse("admin:shops_shop_state", args=[shop.pk]),
        {"state": "suspended", "reason": "Fraud check"},
    )
    bulk = client.post(
        reverse("admin:shops_shop_changelist"),
        {
            "action": "change_state_selected",
            "_selected_action": [shop.pk, other_shop.pk],
            "apply": "1",
            "state": "restricted",
            "reason": "Policy update",
        },
        follow=True,
    )

    assert single.status_code == 302
    assert bulk.status_code == 200
    shop.refresh_from_db()
    other_shop.refresh_from_db()
    assert (shop.state, other_shop.state) == ("restricted", "restricted")


def test_admin_state_change_without_a_reason_is_a_form_error(shop, platform_staff, client):
    client.force_login(platform_staff)

    response = client.post(
        reverse("admin:shops_shop_state", args=[shop.pk]), {"state": "suspended", "reason": ""}
    )

    assert response.status_code == 400
    shop.refresh_from_db()
    assert shop.state == "active"
