"""Payment providers behind one interface (`orders.payments.base.PaymentProvider`).

    get_provider()            # the configured one: settings.PAYMENT_PROVIDER ("offline" default)
    get_provider("stripe")    # by name, e.g. for a webhook of that provider
    register("name", "dotted.path.ProviderClass")

Providers are registered by dotted path and imported on first use, so a provider's module (and
its SDK) is loaded only where it is configured. "stripe" points at `orders.payments.stripe`,
which the Stripe adapter provides.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from orders.errors import ErrorCode, OrdersError
from orders.payments.base import PaymentProvider

_REGISTRY: dict[str, str] = {
    "offline": "orders.payments.offline.OfflineProvider",
    "stripe": "orders.payments.stripe.StripeProvider",
}
_INSTANCES: dict[str, PaymentProvider] = {}


def register(name: str, dotted_path: str) -> None:
    _REGISTRY[name] = dotted_path
    _INSTANCES.pop(name, None)


def provider_names() -> list[str]:
    return sorted(_REGISTRY)


def default_provider_name() -> str:
    return getattr(settings, "PAYMENT_PROVIDER", "offline") or "offline"


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or default_provider_name()
    if name not in _INSTANCES:
        if name not in _REGISTRY:
            raise OrdersError(
                _("Unknown payment provider %(name)s.") % {"name": name},
                code=ErrorCode.PAYMENT_PROVIDER,
            )
        try:
            provider_class = import_string(_REGISTRY[name])
        except ImportError as error:
            raise OrdersError(
                _("The payment provider %(name)s is not available.") % {"name": name},
                code=ErrorCode.PAYMENT_PROVIDER,
            ) from error
        _INSTANCES[name] = provider_class()
    return _INSTANCES[name]
