"""Staff invited by e-mail, roles mapped to sections (menu hides, server refuses), switching."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from compliance.models import AuditLog
from shops import services
from shops.models import Invitation, Membership
from shops.roles import ROLE_SECTIONS, Role, can_use
from shops.sections import SECTIONS, visible_sections
from tests.factories.accounts import UserFactory
from tests.factories.shops import MembershipFactory, ShopFactory

pytestmark = pytest.mark.django_db


def invite(seller_client, email, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return seller_client.post(reverse("seller:staff"), {"email": email, "role": role})


def accept_link() -> str:
    return re.search(r"https?://\S+/seller/invitations/\S+/", mail.outbox[-1].body).group(0)


def test_owner_invites_a_colleague_who_accepts_and_sees_only_their_sections(
    seller_client, shop, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="cs@example.com")

    response = invite(
        seller_client, "CS@example.com", "customer_service", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["cs@example.com"]
    assert shop.name in mail.outbox[-1].subject
    link = accept_link().split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    browser = Client()
    browser.force_login(colleague)
    assert browser.get(link).status_code == 200
    accepted = browser.post(link)
    assert accepted.status_code == 302
    membership = Membership.objects.get(shop=shop, user=colleague)
    assert membership.role == Role.CUSTOMER_SERVICE

    dashboard = browser.get(reverse("seller:dashboard")).content.decode()
    assert "Dashboard" in dashboard
    assert reverse("seller:staff") not in dashboard
    assert reverse("seller:shop-profile") not in dashboard
    forbidden = browser.get(reverse("seller:staff"))
    assert forbidden.status_code == 403
    assert "You cannot open this page" in forbidden.content.decode()
    assert (
        browser.post(
            reverse("seller:staff"), {"email": "x@example.com", "role": "owner"}
        ).status_code
        == 403
    )
    assert not Invitation.objects.filter(email="x@example.com").exists()
    assert AuditLog.objects.filter(action="staff.joined", shop_id=shop.pk).exists()


def test_an_invitation_for_someone_else_is_not_found(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.invite_staff(
            shop=shop, actor=shop.owner, email="right@example.com", role=Role.ANALYST
        )
    stranger = Client()
    stranger.force_login(UserFactory(email="wrong@example.com"))

    url = reverse("seller:accept-invitation", args=[token])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url).status_code == 404
    assert not Membership.objects.filter(shop=shop, role=Role.ANALYST).exists()


def test_inviting_a_member_or_twice_is_a_field_error(
    seller_client, shop, django_capture_on_commit_callbacks
):
    first = invite(seller_client, "new@example.com", "analyst", django_capture_on_commit_callbacks)
    again = invite(seller_client, "NEW@example.com", "finance", django_capture_on_commit_callbacks)
    member = invite(seller_client, shop.owner.email, "finance", django_capture_on_commit_callbacks)
    bad_role = seller_client.post(
        reverse("seller:staff"), {"email": "z@example.com", "role": "superuser"}
    )

    assert first.status_code == 302
    assert again.status_code == 400 and "already waiting" in again.content.decode()
    assert member.status_code == 400 and "already in this shop" in member.content.decode()
    assert bad_role.status_code == 400
    assert Invitation.objects.filter(shop=shop).count() == 1


def test_changing_roles_and_the_last_owner_rule(seller_client, shop):
    helper = MembershipFactory(shop=shop, role=Role.ANALYST)
    owner_membership = Membership.objects.get(shop=shop, user=shop.owner)

    promoted = seller_client.post(
        reverse("seller:staff-role", args=[helper.pk]), {"role": "manager"}
    )
    demote_self = seller_client.post(
        reverse("seller:staff-role", args=[owner_membership.pk]), {"role": "analyst"}, follow=True
    )
    remove_self = seller_client.post(
        reverse("seller:staff-remove", args=[owner_membership.pk]), follow=True
    )

    assert promoted.status_code == 302
    helper.refresh_from_db()
    assert helper.role == Role.MANAGER
    assert "at least one owner" in demote_self.content.decode()
    assert "at least one owner" in remove_self.content.decode()
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER
    entry = AuditLog.objects.get(action="staff.role_changed")
    assert (entry.before, entry.after) == ({"role": "analyst"}, {"role": "manager"})


def test_removing_a_member_takes_away_their_access(seller_client, shop):
    helper = MembershipFactory(shop=shop, role=Role.MANAGER)
    browser = Client()
    browser.force_login(helper.user)
    assert browser.get(reverse("seller:dashboard")).status_code == 200

    seller_client.post(reverse("seller:staff-remove", args=[helper.pk]))

    assert not Membership.objects.filter(pk=helper.pk).exists()
    assert browser.get(reverse("seller:dashboard"))["Location"] == reverse("seller:open-shop")


def test_a_user_in_two_shops_switches_between_them(client):
    user = UserFactory()
    first = MembershipFactory(user=user, shop=ShopFactory(name="First Shop"), role=Role.OWNER)
    second = MembershipFactory(user=user, shop=ShopFactory(name="Second Shop"), role=Role.ANALYST)
    client.force_login(user)

    page = client.get(reverse("seller:dashboard")).content.decode()
    assert "<h1>First Shop</h1>" in page
    assert f'value="{second.shop.slug}"' in page  # in the switcher
    client.post(reverse("seller:switch-shop"), {"shop": second.shop.slug})
    page = client.get(reverse("seller:dashboard")).content.decode()

    assert "<h1>Second Shop</h1>" in page
    assert reverse("seller:staff") not in page  # an analyst there
    assert client.get(reverse("seller:staff")).status_code == 403
    assert first.shop.name in page  # still offered in the switcher


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_and_the_server_agree_for_every_role(role, shop, client):
    member = MembershipFactory(shop=shop, role=role)
    client.force_login(member.user)

    page = client.get(reverse("seller:dashboard")).content.decode()

    for section in SECTIONS:
        url = reverse(section.url_name)
        allowed = can_use(role, section.key)
        assert (f'href="{url}"' in page) == allowed, (role, section.key)
        status = client.get(url).status_code
        assert (status == 200) == allowed, (role, section.key, status)
        if not allowed:
            assert status == 403


def test_every_role_has_the_dashboard_and_only_known_sections():
    known = {section.key for section in SECTIONS} | {
        "products",
        "inventory",
        "orders",
        "shipping",
        "aftersales",
        "customers",
        "promotions",
        "finance",
        "reports",
        "compliance",
        "integrations",
    }
    for role, sections in ROLE_SECTIONS.items():
        assert role == Role.OWNER or "dashboard" in sections
        assert sections <= known | {"*"}
    assert [s.key for s in visible_sections(Role.OWNER)] == [s.key for s in SECTIONS]


def test_the_activity_log_shows_who_did_what(seller_client, shop):
    helper = MembershipFactory(shop=shop, role=Role.ANALYST)
    services.change_role(shop=shop, actor=shop.owner, membership=helper, role=Role.FINANCE)

    page = seller_client.get(reverse("seller:activity")).content.decode()

    assert "staff.role_changed" in page
    assert shop.owner.email in page
    assert "finance" in page
