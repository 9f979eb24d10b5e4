import re

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import PolicyAcceptance, User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "New.Buyer@Example.com",
    "display_name": "New Buyer",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
    "accept_terms": "on",
}


def signup(client, **overrides):
    return client.post(reverse("accounts:signup"), {**GOOD, **overrides})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_signup_creates_an_unverified_user_records_acceptance_and_mails_a_link(
    client, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-done")
    user = User.objects.get(email="new.buyer@example.com")
    assert user.email_verified_at is None
    assert user.check_password(GOOD["password1"])
    accepted = set(PolicyAcceptance.objects.filter(user=user).values_list("document", "version"))
    assert accepted == set(settings.LEGAL_DOCUMENTS.items())
    assert len(callbacks) == 1  # the e-mail task is enqueued after commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.buyer@example.com"]
    assert "/accounts/verify/" in link_in(mail.outbox[0])


def test_known_email_gets_the_same_answer_and_nothing_is_created(
    client, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="taken@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, email="TAKEN@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-done")
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert not PolicyAcceptance.objects.filter(user=existing).exists()
    # Only the owner of the address learns that it is taken.
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password2": "something-else-entirely"}, "password2", "do not match"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1", "numeric"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"accept_terms": ""}, "accept_terms", "must accept"),
    ],
)
def test_bad_signup_input_gives_a_field_error_and_saves_nothing(client, overrides, field, message):
    response = signup(client, **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]).lower()
    assert not User.objects.exists()
    assert not mail.outbox


def test_verification_link_verifies_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = link_in(mail.outbox[0])

    first = client.get(link)
    second = client.get(link)

    assert first.status_code == 302
    assert User.objects.get(email="new.buyer@example.com").email_verified_at is not None
    assert second.status_code == 400
    assert second.context["code"] == "used"


def test_expired_verification_link_is_refused(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = link_in(mail.outbox[0])
    settings.EMAIL_VERIFICATION_MAX_AGE = -1

    response = client.get(link)

    assert response.status_code == 400
    assert response.context["code"] == "expired"
    assert User.objects.get(email="new.buyer@example.com").email_verified_at is None


def test_tampered_verification_link_is_refused(client):
    response = client.get(reverse("accounts:verify-email", args=["not-a-real-token"]))

    assert response.status_code == 400
    assert response.context["code"] == "invalid"


def test_resend_verification_says_the_same_for_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="waiting@example.com", email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            reverse("accounts:resend-verification"), {"email": "waiting@example.com"}
        )
        unknown = client.post(
            reverse("accounts:resend-verification"), {"email": "nobody@example.com"}
        )

    assert known.status_code == unknown.status_code == 302
    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]
