import pytest
from rest_framework.test import APIClient

from shops.models import Invitation, Membership
from shops.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.shops import MembershipFactory, ShopFactory, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


def test_application_status_is_the_applicants_own(user):
    mine = submitted_application(applicant=user)
    submitted_application()  # someone else's
    client = APIClient()
    client.force_authenticate(user)

    listing = client.get("/api/v1/seller/applications/").json()

    assert [row["id"] for row in listing["results"]] == [mine.pk]
    assert listing["results"][0]["state"] == "submitted"
    assert listing["results"][0]["bank_account"] == "•••• 8888"


def test_my_shops_and_the_x_shop_header_choose_the_shop(shop):
    second = MembershipFactory(user=shop.owner, shop=ShopFactory(name="Second"), role="analyst")
    client = APIClient()
    client.force_authenticate(shop.owner)

    shops = client.get("/api/v1/seller/shops/").json()
    default = client.get("/api/v1/seller/shop/").json()
    chosen = client.get("/api/v1/seller/shop/", HTTP_X_SHOP=second.shop.slug).json()

    assert [row["slug"] for row in shops] == [shop.slug, second.shop.slug]
    assert shops[1]["sections"] == ["dashboard", "reports"]
    assert default["slug"] == shop.slug
    assert chosen["slug"] == second.shop.slug
    assert default["bank_account"] == "•••• 5678"


def test_the_profile_can_be_patched_and_bad_input_names_the_field(owner_api, shop):
    ok = owner_api.patch("/api/v1/seller/shop/", {"service_hours": "9–18"}, format="json")
    unknown = owner_api.patch("/api/v1/seller/shop/", {"colour": "red"}, format="json")
    read_only = owner_api.patch("/api/v1/seller/shop/", {"name": "Renamed"}, format="json")
    bad_email = owner_api.patch("/api/v1/seller/shop/", {"service_email": "nope"}, format="json")

    assert ok.status_code == 200 and ok.json()["service_hours"] == "9–18"
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]["fields"]
    assert read_only.status_code == 200 and read_only.json()["name"] == "Shop A Teahouse"
    assert bad_email.status_code == 400
    assert "service_email" in bad_email.json()["error"]["fields"]
    shop.refresh_from_db()
    assert shop.service_hours == "9–18"


def test_staff_list_invite_change_role_and_remove(
    owner_api, shop, django_capture_on_commit_callbacks
):
    helper = MembershipFactory(shop=shop, role=Role.ANALYST)
    MembershipFactory(role=Role.ANALYST)  # another shop's

    listing = owner_api.get("/api/v1/seller/staff/").json()
    with django_capture_on_commit_callbacks(execute=True):
        invited = owner_api.post(
            "/api/v1/seller/invitations/",
            {"email": "new@example.com", "role": "finance"},
            format="json",
        )
    changed = owner_api.patch(
        f"/api/v1/seller/staff/{helper.pk}/", {"role": "manager"}, format="json"
    )
    removed = owner_api.delete(f"/api/v1/seller/staff/{helper.pk}/")

    assert {row["email"] for row in listing["results"]} == {shop.owner.email, helper.user.email}
    assert invited.status_code == 201 and invited.json()["role"] == "finance"
    assert Invitation.objects.get(shop=shop).email == "new@example.com"
    assert changed.status_code == 200 and changed.json()["role"] == "manager"
    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=helper.pk).exists()


def test_errors_have_the_one_shape(owner_api, shop):
    owner = Membership.objects.get(shop=shop, user=shop.owner)

    bad_role = owner_api.post(
        "/api/v1/seller/invitations/", {"email": "x@example.com", "role": "boss"}, format="json"
    )
    typo = owner_api.post(
        "/api/v1/seller/invitations/", {"emial": "x@example.com", "role": "finance"}, format="json"
    )
    last_owner = owner_api.patch(
        f"/api/v1/seller/staff/{owner.pk}/", {"role": "analyst"}, format="json"
    )

    assert bad_role.status_code == 400
    assert "role" in bad_role.json()["error"]["fields"]
    assert typo.status_code == 400 and "emial" in typo.json()["error"]["fields"]
    assert last_owner.status_code == 409
    assert last_owner.json()["error"]["code"] == "last_owner"
    assert not Invitation.objects.exists()


def test_a_role_without_the_section_gets_403_in_its_own_shop(shop):
    member = MembershipFactory(shop=shop, role=Role.CUSTOMER_SERVICE)
    client = APIClient()
    client.force_authenticate(member.user)

    assert client.get("/api/v1/seller/staff/").status_code == 403
    assert (
        client.patch("/api/v1/seller/shop/", {"description": "x"}, format="json").status_code == 403
    )
    assert client.get("/api/v1/seller/shop/").status_code == 200


def test_a_user_without_a_shop_is_told_so(user_api_client):
    response = user_api_client.get("/api/v1/seller/staff/")

    assert response.status_code == 403
    assert "not a member of any shop" in response.json()["error"]["message"]


def test_roles_and_the_public_shop_profile(shop, api_client):
    user = UserFactory()
    api_client.force_authenticate(user)

    roles = api_client.get("/api/v1/seller/roles/").json()
    public = APIClient().get(f"/api/v1/shops/{shop.slug}/")

    assert [row["role"] for row in roles] == [role.value for role in Role]
    assert public.status_code == 200
    assert public.json()["name"] == "Shop A Teahouse"
    assert "bank_account" not in public.json()
