"""Lock-outs per account and address pair, per account and per address (decision 0009), and the
notice to the owner of a locked account."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NAT = "198.51.100.7"


def login(email, password, ip):
    return Client(REMOTE_ADDR=ip).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_stuffing_one_account_from_many_addresses_locks_the_account(settings):
    victim = UserFactory()
    for address in range(5):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(victim.email, "guess-123456", f"192.0.2.{address + 1}")

    from_a_sixth_address = login(victim.email, PASSWORD, "192.0.2.66")

    assert from_a_sixth_address.status_code == 429
    assert not signed_in(from_a_sixth_address)


def test_spraying_many_accounts_from_one_address_locks_the_address():
    sprayed = [UserFactory() for _ in range(20)]
    for user in sprayed:
        login(user.email, "Summer2026!", "192.0.2.9")

    correct = login(sprayed[0].email, PASSWORD, "192.0.2.9")
    someone_else = login(UserFactory().email, PASSWORD, "192.0.2.9")

    assert correct.status_code == someone_else.status_code == 429
    assert not signed_in(correct) and not signed_in(someone_else)
    assert signed_in(login(sprayed[0].email, PASSWORD, "192.0.2.10"))  # the owner, elsewhere


def test_a_neighbour_behind_the_same_nat_still_signs_in(settings):
    forgetful, neighbour = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(forgetful.email, "not-my-password", NAT)

    assert login(forgetful.email, PASSWORD, NAT).status_code == 429  # that pair is paused
    assert signed_in(login(neighbour.email, PASSWORD, NAT))
    assert signed_in(login(forgetful.email, PASSWORD, "203.0.113.50"))  # from their phone


def test_a_busy_nat_with_many_forgetful_users_stays_open(settings):
    people = [UserFactory() for _ in range(settings.LOGIN_LOCKOUT_ADDRESS_LIMIT - 1)]
    for person in people:  # each mistypes twice: many failures, but fewer accounts than the limit
        login(person.email, "typo-typo-typo", NAT)
        login(person.email, "typo-typo-typo", NAT)

    assert all(signed_in(login(person.email, PASSWORD, NAT)) for person in people)
    assert signed_in(login(UserFactory().email, PASSWORD, NAT))


def test_a_sprayer_cannot_clear_the_address_count_by_signing_in_to_its_own_account(settings):
    own = UserFactory()
    limit = settings.LOGIN_LOCKOUT_ADDRESS_LIMIT
    for _ in range(limit - 1):
        login(UserFactory().email, "Winter2026!", "192.0.2.20")

    assert signed_in(login(own.email, PASSWORD, "192.0.2.20"))
    login(UserFactory().email, "Winter2026!", "192.0.2.20")

    assert login(own.email, PASSWORD, "192.0.2.20").status_code == 429


def test_case_variants_of_an_address_count_as_one_account(settings):
    victim = UserFactory(email="victim@example.com")
    variants = ["VICTIM@example.com", "Victim@Example.com", " victim@EXAMPLE.com"]
    for number in range(settings.LOGIN_LOCKOUT_ACCOUNT_LIMIT):
        APIClient(REMOTE_ADDR=f"192.0.2.{100 + number}").post(
            "/api/v1/auth/token/",
            {"email": variants[number % 3].strip(), "password": "guess-123456"},
        )

    response = APIClient(REMOTE_ADDR="192.0.2.99").post(
        "/api/v1/auth/token/", {"email": victim.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {victim.email}


def test_an_api_lockout_answers_429_in_the_error_shape(settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient(REMOTE_ADDR="192.0.2.30").post(
            "/api/v1/auth/token/", {"email": user.email, "password": "guess-123456"}
        )

    response = APIClient(REMOTE_ADDR="192.0.2.30").post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "token" not in response.json()


def test_the_owner_gets_one_notice_per_lock_out(settings, django_capture_on_commit_callbacks):
    owner = UserFactory(preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(settings.LOGIN_LOCKOUT_ACCOUNT_LIMIT + 4):
            login(owner.email, "guess-123456", f"192.0.2.{40 + attempt // 5}")

    assert [message.to for message in mail.outbox] == [[owner.email]]
    notice = mail.outbox[0]
    assert "192.0.2.40" in notice.body
    assert re.search(r"https?://\S+/accounts/password/reset/", notice.body)


def test_a_sprayed_address_notifies_nobody(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.LOGIN_LOCKOUT_ADDRESS_LIMIT + 2):
            login(UserFactory().email, "Autumn2026!", "192.0.2.60")

    assert login(UserFactory().email, PASSWORD, "192.0.2.60").status_code == 429
    assert mail.outbox == []


def test_a_password_reset_lifts_the_account_lock(settings, django_capture_on_commit_callbacks):
    owner = UserFactory()
    for attempt in range(settings.LOGIN_LOCKOUT_ACCOUNT_LIMIT):
        login(owner.email, "guess-123456", f"192.0.2.{70 + attempt}")
    assert login(owner.email, PASSWORD, "192.0.2.90").status_code == 429
    browser = Client(REMOTE_ADDR="192.0.2.90")
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("accounts:password-reset"), {"email": owner.email})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+", mail.outbox[-1].body).group(0)
    form_page = browser.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    new = "a-brand-new-passphrase"

    browser.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert signed_in(login(owner.email, new, "192.0.2.90"))
