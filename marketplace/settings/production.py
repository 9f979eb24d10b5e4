"""Production settings: everything in base.py plus HTTPS-only transport, a required secret and
real payments (no test-mode provider unless TEST_DEPLOYMENT says this is a test deployment).

`DJANGO_SETTINGS_MODULE=marketplace.settings.production python manage.py check --deploy` is clean
(tests/core/test_deploy_and_security.py runs it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    PAYMENT_PROVIDER,
    STRIPE_PUBLISHABLE_KEY,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    TEST_DEPLOYMENT,
    env,
)

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # required: no development defaults in production
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

# Payments. A real deployment takes real money: the offline provider is test mode (its page lets a
# buyer confirm their own payment) and Stripe test keys take test cards, so both are refused unless
# TEST_DEPLOYMENT=true declares a test deployment (every page then shows a banner saying so).
# Stripe without its keys could not take a payment at all, test deployment or not.
if PAYMENT_PROVIDER not in ("offline", "stripe"):
    raise ImproperlyConfigured(
        f"PAYMENT_PROVIDER={PAYMENT_PROVIDER!r} is not a payment provider (offline or stripe)."
    )
if PAYMENT_PROVIDER == "stripe":
    _missing = [
        name
        for name, value in (
            ("STRIPE_SECRET_KEY", STRIPE_SECRET_KEY),
            ("STRIPE_PUBLISHABLE_KEY", STRIPE_PUBLISHABLE_KEY),
            ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"PAYMENT_PROVIDER=stripe needs {', '.join(_missing)}.")
_test_mode = PAYMENT_PROVIDER == "offline" or (
    STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_"))
    or STRIPE_PUBLISHABLE_KEY.startswith("pk_test_")
)
if _test_mode and not TEST_DEPLOYMENT:
    raise ImproperlyConfigured(
        ("PAYMENT_PROVIDER=offline" if PAYMENT_PROVIDER == "offline" else "Stripe's test keys")
        + " take test-mode payments: buyers could order without paying. Set "
        "PAYMENT_PROVIDER=stripe with live keys, or TEST_DEPLOYMENT=true for a test deployment "
        "(every page then says so)."
    )
