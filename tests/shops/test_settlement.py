"""Stripe Connect onboarding from the settlement step (Stripe's HTTP is mocked)."""

from types import SimpleNamespace
from unittest import mock

import pytest
import stripe
from django.urls import reverse

from compliance.models import AuditLog
from tests.factories.shops import ShopApplicationFactory

pytestmark = pytest.mark.django_db


def test_without_stripe_keys_only_bank_details_are_offered(user_client, user, settings):
    settings.STRIPE_SECRET_KEY = ""
    application = ShopApplicationFactory(applicant=user)

    page = user_client.get(reverse("seller:application-step", args=[application.pk, "settlement"]))

    assert "Set up payouts with Stripe" not in page.content.decode()
    assert "•••• 8888" in page.content.decode()  # the saved account, masked
    assert "6222020299998888" not in page.content.decode()


def test_with_stripe_keys_the_applicant_is_sent_to_stripe_onboarding(user_client, user, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dummy"
    application = ShopApplicationFactory(applicant=user)
    client = mock.MagicMock()
    client.v1.accounts.create.return_value = SimpleNamespace(id="acct_123")
    client.v1.account_links.create.return_value = SimpleNamespace(
        url="https://connect.stripe.com/setup/e/acct_123/abc"
    )

    with mock.patch("stripe.StripeClient", return_value=client):
        page = user_client.get(
            reverse("seller:application-step", args=[application.pk, "settlement"])
        )
        response = user_client.post(reverse("seller:application-stripe", args=[application.pk]))
        again = user_client.post(reverse("seller:application-stripe", args=[application.pk]))

    assert "Set up payouts with Stripe" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "https://connect.stripe.com/setup/e/acct_123/abc"
    assert again.status_code == 302
    client.v1.accounts.create.assert_called_once()  # the account is created once
    application.refresh_from_db()
    assert application.stripe_account_id == "acct_123"
    assert AuditLog.objects.filter(action="shop_application.stripe_account_created").count() == 1


def test_a_stripe_outage_is_a_message_not_a_500(user_client, user, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dummy"
    application = ShopApplicationFactory(applicant=user)
    client = mock.MagicMock()
    client.v1.accounts.create.side_effect = stripe.APIConnectionError("down")

    with mock.patch("stripe.StripeClient", return_value=client):
        response = user_client.post(
            reverse("seller:application-stripe", args=[application.pk]), follow=True
        )

    assert response.status_code == 200
    assert "Stripe could not be reached" in response.content.decode()
    application.refresh_from_db()
    assert application.stripe_account_id == ""
