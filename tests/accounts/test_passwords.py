import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "another-long-passphrase"


def test_password_change_keeps_this_session_and_ends_the_others(client):
    user = UserFactory()
    other_browser = Client()
    client.force_login(user)
    other_browser.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert other_browser.get(reverse("accounts:profile")).status_code == 302  # to login
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_password_change_with_wrong_old_password_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_answers_the_same_and_mails_only_known_addresses(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="forgetful@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password-reset"), {"email": "Forgetful@example.com"})
        unknown = client.post(reverse("accounts:password-reset"), {"email": "ghost@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_password_reset_link_sets_a_new_password_once(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get("/" + path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    reused = client.get("/" + path, follow=True)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert reused.context["validlink"] is False
