import pytest
from django.urls import reverse

from shops.models import Shop, ShopFollow
from tests.factories.accounts import UserFactory
from tests.factories.shops import ShopFactory

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_profile_policies_and_business_information(client, shop):
    page = client.get(f"/shops/{shop.slug}/").content.decode()

    assert "Shop A Teahouse" in page
    assert "7-day returns." in page and "Ships in 48 hours." in page
    assert "Shop A Teahouse Trading Co., Ltd." in page
    assert "91330100MA2XXXXX1X" in page
    assert "0 followers" in page
    assert shop.bank_account not in page


def test_an_individual_shop_says_why_it_shows_no_licence(client):
    shop = ShopFactory(shop_type="individual", business_name="")

    page = client.get(shop.get_absolute_url()).content.decode()

    assert "Individual seller" in page


def test_following_and_unfollowing_counts_once(client, shop):
    client.force_login(UserFactory())
    url = reverse("shop-follow", args=[shop.slug])

    client.post(url)
    client.post(url)  # a second click does not count twice
    shop.refresh_from_db()
    assert shop.follower_count == 1
    assert "Following" in client.get(shop.get_absolute_url()).content.decode()

    client.post(url, {"action": "unfollow"})
    shop.refresh_from_db()
    assert shop.follower_count == 0
    assert not ShopFollow.objects.exists()


def test_anonymous_follow_goes_to_sign_in_and_unknown_or_hidden_shops_are_404(client, shop):
    response = client.post(reverse("shop-follow", args=[shop.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    assert client.get("/shops/no-such-shop/").status_code == 404
    Shop.objects.filter(pk=shop.pk).update(state=Shop.State.CLOSED)
    assert client.get(shop.get_absolute_url()).status_code == 404
