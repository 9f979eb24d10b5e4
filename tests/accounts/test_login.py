import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_rotates_the_session_key(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key

    response = login(client, user.email.upper(), PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before


def test_unknown_email_and_wrong_password_get_the_same_answer(client):
    UserFactory(email="known@example.com")

    wrong_password = login(client, "known@example.com", "not-the-password")
    unknown_email = login(client, "unknown@example.com", "not-the-password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert (
        wrong_password.context["form"].non_field_errors()
        == unknown_email.context["form"].non_field_errors()
    )


def test_unverified_account_cannot_sign_in_and_gets_a_new_link(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "verify" in str(response.context["form"].non_field_errors()).lower()
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_repeated_failures_lock_the_account_from_that_address(client):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "wrong-password")

    locked = login(client, user.email, PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=user.email).exists()


def test_user_language_preference_is_applied_at_login(client):
    user = UserFactory(preferred_language="zh-hans")

    response = login(client, user.email, PASSWORD)

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code in {200, 302}
    assert "_auth_user_id" not in client.session
