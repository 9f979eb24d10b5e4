"""Shop name rules (SPEC §4.1): 2–30 characters, unique ignoring case and full-/half-width forms,
no prohibited, absolute or reserved words unless the shop type is entitled to them."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from compliance.models import ProhibitedWord
from compliance.normalize import normalize_text
from compliance.words import find_prohibited
from marketplace.core.errors import DomainError
from shops.models import Shop, ShopApplication, ShopType

MIN_LENGTH = 2
MAX_LENGTH = 30

# Reserved words a shop type may use in its name (a flagship shop is the brand's official shop).
ENTITLED_WORDS = {
    ShopType.FLAGSHIP: ("旗舰", "flagship", "官方", "official"),
    ShopType.AUTHORISED: ("授权", "专卖", "authorised", "authorized"),
}

KIND_MESSAGES = {
    ProhibitedWord.Kind.ABSOLUTE_CLAIM: _(
        "The shop name may not contain “%(word)s”: absolute advertising claims are not allowed."
    ),
    ProhibitedWord.Kind.RESERVED_NAME: _(
        "The shop name may not contain “%(word)s”: this name is reserved."
    ),
    ProhibitedWord.Kind.PROHIBITED: _("The shop name may not contain “%(word)s”."),
}


def normalize_shop_name(name: str) -> str:
    return normalize_text(name)


def clean_shop_name(
    name: str, *, shop_type: str, application: ShopApplication | None = None, shop=None
) -> tuple[str, str]:
    """Check a shop name; returns (name as displayed, normalised form) or raises DomainError
    on the field `shop_name` with a message naming the problem (and the word)."""
    display = " ".join(unicodedata.normalize("NFC", name or "").split())
    length = len(display)
    if length < MIN_LENGTH or length > MAX_LENGTH:
        raise DomainError(
            _("The shop name must be %(min)s to %(max)s characters long (it is %(n)s).")
            % {"min": MIN_LENGTH, "max": MAX_LENGTH, "n": length},
            code="name_length",
            field="shop_name",
        )
    if any(unicodedata.category(char).startswith("C") for char in display):
        raise DomainError(
            _("The shop name contains characters that cannot be displayed."),
            code="name_characters",
            field="shop_name",
        )
    if not any(char.isalnum() for char in display):
        raise DomainError(
            _("The shop name needs letters or digits."), code="name_characters", field="shop_name"
        )
    hit = find_prohibited(display, allow=ENTITLED_WORDS.get(shop_type, ()))
    if hit is not None:
        raise DomainError(
            KIND_MESSAGES.get(hit.kind, KIND_MESSAGES[ProhibitedWord.Kind.PROHIBITED])
            % {"word": hit.word},
            code="name_prohibited_word",
            field="shop_name",
        )
    normalized = normalize_shop_name(display)
    taken = Shop.objects.filter(name_normalized=normalized)
    if shop is not None:
        taken = taken.exclude(pk=shop.pk)
    in_review = ShopApplication.objects.filter(
        shop_name_normalized=normalized, state=ShopApplication.State.SUBMITTED
    )
    if application is not None and application.pk:
        in_review = in_review.exclude(pk=application.pk)
    if taken.exists() or in_review.exists():
        raise DomainError(
            _(
                "The name “%(name)s” is already taken (names differing only in upper/lower case "
                "or full-/half-width letters count as the same)."
            )
            % {"name": display},
            code="name_taken",
            field="shop_name",
        )
    return display, normalized


def unique_slug(name: str) -> str:
    """An ASCII address for /shops/<slug>/: from the name, or `shop-<n>` for e.g. Chinese names."""
    import secrets

    base = slugify(normalize_text(name))[:40].strip("-") or "shop"
    slug = base
    while Shop.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug
