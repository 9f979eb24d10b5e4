"""Fixtures of the money side: the Stripe stand-in, signed webhook deliveries, on-commit runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.orders.stripe_standin import StripeStandIn, sign

WEBHOOK_SECRET = "whsec_standin_secret"


@pytest.fixture
def stripe_standin(settings):
    """A local Stripe (HTTP on 127.0.0.1) the official SDK talks to; checkouts use Stripe."""
    standin = StripeStandIn().start()
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_standin"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = standin.url
    settings.PAYMENT_PROVIDER = "stripe"
    yield standin
    standin.stop()


@pytest.fixture
def deliver(client):
    """POST a webhook body to our Stripe endpoint, signed like Stripe (or with `signature=`)."""

    def post(body: bytes, *, signature: str | None = None, secret: str = WEBHOOK_SECRET):
        header = sign(body, secret) if signature is None else signature
        return client.post(
            reverse("api:payments-stripe-webhook"),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    return post


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (event handlers, Celery tasks) as a real commit would, including
    callbacks that those callbacks register."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
