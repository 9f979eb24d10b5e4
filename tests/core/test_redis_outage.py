"""Redis goes away under a production-like server (gunicorn, the base settings with their API
throttles, a real broker URL): the API keeps answering, never with a 500. Login for a token,
catalogue reads, the cart and checkout work; throttles count in the process instead; the login
lock-out (in PostgreSQL) still holds; tasks enqueued meanwhile wait in the database and reach the
broker once Redis is back."""

import uuid

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from catalog.api import public
from marketplace.core import sessions
from marketplace.core.models import PendingTask
from marketplace.core.throttling import LOCAL_COUNTS
from orders.models import Order
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.orders import buyer_with_address, live_sku
from tests.factories.shops import MembershipFactory, ShopFactory
from tests.processes import Gunicorn, django_env, run_django

SIGNUP_LIMIT = 2
FAILURE_LIMIT = 2


def usable_by_the_server(user):
    """The test settings hash with MD5, which the base settings do not accept: a cheap PBKDF2
    hash instead (the server re-hashes it on the first login)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def server(private_redis, media_root):
    env = django_env(
        REDIS_URL=private_redis.url,
        MEDIA_ROOT=str(media_root / "media"),
        API_THROTTLE_SIGNUP=f"{SIGNUP_LIMIT}/hour",
        AXES_FAILURE_LIMIT=str(FAILURE_LIMIT),
        CACHE_KEY_PREFIX=f"outage-{uuid.uuid4().hex[:8]}",
    )
    gunicorn = Gunicorn(env)
    try:
        gunicorn.wait_until_ready()
        yield gunicorn
    finally:
        print(gunicorn.stop())  # shown by pytest only when the test fails


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_working_without_redis_and_nothing_is_lost(server, private_redis):
    shop = ShopFactory(slug="outage-shop")
    MembershipFactory(shop=shop, role="owner")
    cup = live_sku(shop, price="88.00", stock=10)
    buyer = usable_by_the_server(buyer_with_address(email="outage-buyer@example.com"))
    victim = usable_by_the_server(UserFactory(email="outage-victim@example.com"))
    api = requests.Session()
    api.headers["Accept"] = "application/json"
    answers = []

    def call(method, path, **kwargs):
        response = api.request(method, server.url + path, timeout=30, **kwargs)
        answers.append((method, path, response.status_code))
        print(method, path, response.status_code, response.text[:100])
        return response

    assert call("GET", "/api/v1/products/").status_code == 200  # Redis still up

    private_redis.stop()

    # The storefront's health check says so...
    health = call("GET", "/healthz")
    assert health.status_code == 503 and health.json()["checks"]["redis"]["ok"] is False
    # ...and the API goes on: catalogue reads,
    assert call("GET", "/api/v1/products/").status_code == 200
    assert call("GET", f"/api/v1/products/{cup.product_id}/").status_code == 200
    assert call("GET", "/api/v1/categories/").status_code == 200
    # login for a token,
    token = call("POST", "/api/v1/auth/token/", json={"email": buyer.email, "password": PASSWORD})
    assert token.status_code == 200, token.text
    auth = {"Authorization": f"Token {token.json()['token']}"}
    # the cart and checkout,
    line = call("POST", "/api/v1/cart/lines/", json={"sku": cup.pk, "quantity": 2}, headers=auth)
    assert line.status_code == 201, line.text
    address = buyer.addresses.get(is_default=True).pk
    checkout = call(
        "POST",
        "/api/v1/checkouts/",
        json={"token": str(uuid.uuid4()), "address": address},
        headers=auth,
    )
    assert checkout.status_code == 201, checkout.text
    assert Order.objects.filter(buyer=buyer).count() == 1
    # sign-up, still throttled (counted in the server process while Redis is away),
    signups = [
        call(
            "POST",
            "/api/v1/auth/signup/",
            json={
                "email": f"new{n}@example.com",
                "password": "a-long-passphrase-1",
                "accept_terms": True,
            },
        ).status_code
        for n in range(SIGNUP_LIMIT + 1)
    ]
    assert signups == [202] * SIGNUP_LIMIT + [429]
    # and the lock-out, which lives in PostgreSQL, still locks.
    for _ in range(FAILURE_LIMIT):
        call("POST", "/api/v1/auth/token/", json={"email": victim.email, "password": "wrong-1"})
    locked = call("POST", "/api/v1/auth/token/", json={"email": victim.email, "password": PASSWORD})
    assert locked.status_code in (400, 403, 429) and '"token"' not in locked.text

    assert [answer for answer in answers if answer[2] >= 500 and answer[1] != "/healthz"] == []

    # Nothing is lost: what was enqueued meanwhile waits in the database (the verification
    # e-mails at least) and reaches the broker once Redis is back.
    waiting = PendingTask.objects.count()
    assert PendingTask.objects.filter(task="marketplace.accounts.tasks.send_verification_email")
    assert call("GET", "/healthz").json()["checks"]["celery"]["waiting_tasks"] == waiting
    private_redis.start()
    flush = run_django("shell", "-c", FLUSH, env=django_env(REDIS_URL=private_redis.url))
    assert f"sent {waiting}" in flush, flush
    assert PendingTask.objects.count() == 0
    assert private_redis.client().llen("celery") == waiting


FLUSH = "from marketplace.core import outbox; print('sent', outbox.flush_pending_tasks())"


# --- In the process: sessions, throttles, code that needs Redis --------------------------------
def test_signing_in_and_out_of_the_storefront_works_without_redis(client, redis_cache, user):
    redis_cache.stop()

    signed_in = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    profile = client.get(reverse("accounts:profile"))
    signed_out = client.post(reverse("accounts:logout"))
    after = client.get(reverse("accounts:profile"))

    assert signed_in.status_code == 302
    assert profile.status_code == 200 and user.email in profile.content.decode()
    assert signed_out.status_code == 302
    assert after.status_code == 302 and reverse("accounts:login") in after["Location"]


def test_a_session_stays_in_the_cache_for_minutes_not_weeks(client, redis_cache, user):
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})

    [key] = redis_cache.client().keys("*sessions*")
    assert 0 < redis_cache.client().ttl(key) <= sessions.CACHE_SECONDS


def test_the_api_throttles_count_in_the_process_while_redis_is_down(
    api_client, redis_cache, monkeypatch, db
):
    monkeypatch.setattr(public.CatalogAnonThrottle, "rate", "3/min")
    redis_cache.stop()

    statuses = [api_client.get("/api/v1/products/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_while_redis_is_up_the_throttles_count_in_redis(api_client, redis_cache, monkeypatch, db):
    monkeypatch.setattr(public.CatalogAnonThrottle, "rate", "3/min")

    statuses = [api_client.get("/api/v1/products/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert redis_cache.client().keys("*throttle_catalog_anon*")
    assert len(LOCAL_COUNTS._cache) == 0


@pytest.mark.urls("tests.core.outage_urls")
def test_code_that_needs_redis_answers_503_never_500(client, redis_cache, db):
    redis_cache.stop()

    api = client.get("/api/v1/needs-redis/")
    page = client.get("/needs-redis/")

    assert api.status_code == 503 and api["Retry-After"]
    assert api.json()["error"]["code"] == "service_unavailable"
    assert page.status_code == 503 and "briefly unavailable" in page.content.decode()
