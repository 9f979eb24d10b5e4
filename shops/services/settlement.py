"""Stripe Connect onboarding for the settlement account, when Stripe keys are configured.

Without STRIPE_SECRET_KEY the applicant enters bank details by hand (encrypted at rest). With it,
the settlement step also offers "Set up payouts with Stripe": an Express account is created once
per application and the applicant is sent to Stripe's hosted onboarding. Stripe is called outside
any database transaction (STYLE: provider calls never hold a transaction open).
"""

from __future__ import annotations

import os

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from compliance import audit
from marketplace.core.errors import DomainError
from shops.models import ShopApplication


def stripe_secret_key() -> str:
    return getattr(settings, "STRIPE_SECRET_KEY", "") or os.environ.get("STRIPE_SECRET_KEY", "")


def stripe_configured() -> bool:
    return bool(stripe_secret_key())


def create_stripe_onboarding_link(
    *, application: ShopApplication, actor, return_url: str, refresh_url: str, request=None
) -> str:
    if not stripe_configured():
        raise DomainError(_("Stripe payouts are not available on this platform."), code="stripe")
    if application.applicant_id != actor.pk or not application.is_editable:
        raise DomainError(_("Application not found."), code="not_found")
    client = stripe.StripeClient(stripe_secret_key())
    try:
        if not application.stripe_account_id:
            account = client.v1.accounts.create(
                params={
                    "type": "express",
                    "email": application.contact_email or actor.email,
                    "metadata": {"shop_application": str(application.pk)},
                }
            )
            ShopApplication.objects.filter(pk=application.pk).update(stripe_account_id=account.id)
            application.stripe_account_id = account.id
            audit.record(
                "shop_application.stripe_account_created",
                actor=actor,
                obj=application,
                after={"stripe_account_id": account.id},
                request=request,
            )
        link = client.v1.account_links.create(
            params={
                "account": application.stripe_account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as error:
        raise DomainError(
            _("Stripe could not be reached; try again in a moment or enter bank details."),
            code="stripe",
        ) from error
    return link.url
