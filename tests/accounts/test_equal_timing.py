"""Account endpoints that take an e-mail address answer in the same time whether or not it has an
account (decision 0009): the same words were not enough when a known address answered in 30 ms
and an unknown one in 600 ms.

Timed with the production password hasher (the test settings use MD5 for speed, which would hide
the difference): medians of a few calls per path, taken alternately so that a busy machine slows
both paths alike; the median also drops a slow first call.
"""

import itertools
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 5
# Medians within 40 % of the slower one; below 15 ms apart is noise whatever the ratio.
TOLERANCE, NOISE = 0.4, 0.015
PASSPHRASE = "a-long-unusual-passphrase"
_numbers = itertools.count()
_addresses = (f"203.0.113.{n % 250 + 1}" for n in itertools.count())


def fresh_email() -> str:
    return f"nobody-{next(_numbers)}@example.com"


def signup_form(email):
    data = {"email": email, "password1": PASSPHRASE, "password2": PASSPHRASE, "accept_terms": "on"}
    return Client().post(reverse("accounts:signup"), data)


def signup_api(email):
    data = {"email": email, "password": PASSPHRASE, "accept_terms": True}
    return APIClient().post("/api/v1/auth/signup/", data, format="json")


def password_reset(email):
    return Client().post(reverse("accounts:password-reset"), {"email": email})


def resend_verification(email):
    return Client().post(reverse("accounts:resend-verification"), {"email": email})


def login_form(email):
    # Each call from its own address, so that the lock-out (counted per address too) stays out.
    return Client(REMOTE_ADDR=next(_addresses)).post(
        reverse("accounts:login"), {"username": email, "password": "wrong-password-1"}
    )


def token_api(email):
    return APIClient(REMOTE_ADDR=next(_addresses)).post(
        "/api/v1/auth/token/", {"email": email, "password": "wrong-password-1"}
    )


ENDPOINTS = {
    "signup form": (signup_form, {}),
    "signup API": (signup_api, {}),
    "password reset": (password_reset, {}),
    "resend verification": (resend_verification, {"email_verified_at": None}),
    "login form": (login_form, {}),
    "token API": (token_api, {}),
}


def seconds(call, email) -> float:
    start = time.perf_counter()
    response = call(email)
    elapsed = time.perf_counter() - start
    assert response.status_code < 500
    return elapsed


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_known_and_an_unknown_address_take_the_same_time(endpoint, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call, user_fields = ENDPOINTS[endpoint]
    known = UserFactory(**user_fields).email

    timings = {"known": [], "unknown": []}
    for round_ in range(ROUNDS):
        paths = [("known", lambda: known), ("unknown", fresh_email)]
        for path, email in paths[:: 1 if round_ % 2 else -1]:
            timings[path].append(seconds(call, email()))

    known_median = statistics.median(timings["known"])
    unknown_median = statistics.median(timings["unknown"])
    slower = max(known_median, unknown_median)
    print(f"{endpoint}: known {known_median * 1000:.0f} ms, unknown {unknown_median * 1000:.0f} ms")
    assert abs(known_median - unknown_median) < max(TOLERANCE * slower, NOISE), (
        f"{endpoint}: known address {known_median * 1000:.0f} ms, "
        f"unknown {unknown_median * 1000:.0f} ms (medians of {ROUNDS})"
    )
