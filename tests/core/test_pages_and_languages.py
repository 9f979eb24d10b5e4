import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/signup/",
        "/accounts/login/",
        "/search/?q=tea",
        "/cart/",
        "/accounts/legal/agreement/",
        "/accounts/legal/privacy/",
        "/admin/login/",
        "/robots.txt",
    ],
)
def test_public_pages_answer(client, path):
    assert client.get(path).status_code == 200


def test_storefront_layout_has_search_categories_cart_and_account_menu(client):
    html = client.get("/").content.decode()

    assert 'role="search"' in html
    assert 'class="category-menu"' in html
    assert reverse("cart") in html
    assert reverse("accounts:login") in html and reverse("accounts:signup") in html


def test_seller_center_shell_requires_login_and_shows_sidebar(client, user):
    assert client.get("/seller/").status_code == 302
    client.force_login(user)
    html = client.get("/seller/", follow=True).content.decode()
    assert 'class="seller-sidebar"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "We could not find that page"), ("zh-hans", "我们找不到这个页面")],
)
def test_friendly_404_in_both_languages(client, language, expected):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert expected in response.content.decode()


def test_friendly_500_page(client):
    client.raise_request_exception = False
    from django.urls import path

    from marketplace import urls

    def boom(request):
        raise RuntimeError("boom")

    urls.urlpatterns.append(path("__boom__/", boom))
    try:
        response = client.get("/__boom__/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    finally:
        urls.urlpatterns.pop()
        from django.urls import clear_url_caches

        clear_url_caches()

    assert response.status_code == 500
    assert "出错" in response.content.decode()


def test_accept_language_chooses_chinese_and_the_switcher_overrides_it(client):
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in chinese.content.decode()

    client.post(reverse("switch-language"), {"language": "en", "next": "/"})
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="en">' in english.content.decode()


def test_switching_language_is_remembered_on_the_account(user_client, user):
    response = user_client.post(
        reverse("switch-language"), {"language": "zh-hans", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"  # never an open redirect
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"


def test_unknown_language_is_ignored(user_client, user):
    user_client.post(reverse("switch-language"), {"language": "xx"})

    user.refresh_from_db()
    assert user.preferred_language == ""


def test_times_are_stored_in_utc():
    from django.db import connection

    user = UserFactory(time_zone="America/New_York")
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        (session_zone,) = cursor.fetchone()
    user.refresh_from_db()

    assert session_zone == "UTC"
    assert user.date_joined.utcoffset().total_seconds() == 0


def test_the_user_zone_is_active_during_the_request(user_client, user, rf):
    from marketplace.core.middleware import UserPreferencesMiddleware

    user.time_zone = "Europe/Berlin"
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.get("/")
    request.user = user
    request.COOKIES = {}
    UserPreferencesMiddleware(view)(request)

    assert seen["zone"] == "Europe/Berlin"
    assert timezone.get_current_timezone_name() != "Europe/Berlin"  # reset after the request
