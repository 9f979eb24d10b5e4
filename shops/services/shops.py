"""Shops after approval: opening, state changes by the platform, profile, followers."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from compliance import audit
from marketplace.core.errors import ConflictError, DomainError, full_clean_or_raise
from marketplace.core.images import BANNER, LOGO, ImageRejected, process_image
from marketplace.core.notifications import notify
from marketplace.core.states import transition
from shops import events
from shops.models import Membership, Shop, ShopApplication, ShopFollow, ShopType
from shops.roles import Role
from shops.services.naming import clean_shop_name, unique_slug

DEFAULT_SERVICE_HOURS = _("Every day 9:00–21:00")
DEFAULT_RETURN_POLICY = _(
    "Returns without giving a reason within 7 days of delivery, for goods in their original "
    "condition (fresh, custom-made and digital goods excepted, as the law allows). Faulty goods: "
    "free return or replacement within 15 days. Refunds are made to the original payment method "
    "within 3 working days of receiving the return."
)
DEFAULT_SHIPPING_POLICY = _(
    "Orders paid before 16:00 ship the same working day, others within 48 hours. Tracking is "
    "shown on the order page. Shipping is free for orders over the amount shown in the cart."
)
PROFILE_FIELDS = (
    "description",
    "service_hours",
    "service_channels",
    "service_phone",
    "service_email",
    "return_policy",
    "shipping_policy",
)


def open_shop_from_application(*, application: ShopApplication, actor) -> Shop:
    """Create the shop, the applicant's owner membership and default policies (call inside the
    approval's transaction)."""
    from shops.services.applications import terms_for

    display, normalized = clean_shop_name(
        application.shop_name, shop_type=application.shop_type, application=application
    )
    terms = terms_for(application.shop_type)
    is_company = application.shop_type != ShopType.INDIVIDUAL
    # The default texts are written in the owner's language (they edit them later).
    with translation.override(application.applicant.preferred_language or settings.LANGUAGE_CODE):
        defaults = {
            "service_hours": str(DEFAULT_SERVICE_HOURS),
            "service_channels": str(_("Online chat in the order page; e-mail")),
            "return_policy": str(DEFAULT_RETURN_POLICY),
            "shipping_policy": str(DEFAULT_SHIPPING_POLICY),
        }
    shop = Shop(
        name=display,
        name_normalized=normalized,
        slug=unique_slug(display),
        shop_type=application.shop_type,
        state=Shop.State.ACTIVE,
        state_changed_at=timezone.now(),
        description=application.description,
        main_categories=application.main_categories,
        brand_name=application.brand_name,
        service_email=application.contact_email,
        **defaults,
        business_name=application.legal_name if is_company else "",
        registration_number=application.credit_code if is_company else "",
        legal_representative=application.legal_representative if is_company else "",
        business_address=application.business_address if is_company else "",
        business_scope=application.business_scope if is_company else "",
        account_holder=application.account_holder,
        bank_name=application.bank_name,
        bank_account=application.bank_account,
        stripe_account_id=application.stripe_account_id,
    )
    if terms is not None:
        shop.deposit, shop.annual_fee = terms.deposit, terms.annual_fee
        shop.commission_rate, shop.currency = terms.commission_rate, terms.currency
    try:
        with transaction.atomic():
            shop.save()
    except IntegrityError as error:
        raise ConflictError(
            _("A shop named “%(name)s” already exists.") % {"name": display}, code="name_taken"
        ) from error
    if application.logo:
        _copy_application_logo(shop, application)
    Membership.objects.create(shop=shop, user=application.applicant, role=Role.OWNER)
    audit.record(
        "shop.opened",
        actor=actor,
        obj=shop,
        shop_id=shop.pk,
        after={"name": shop.name, "type": shop.shop_type, "state": shop.state},
    )
    events.shop_opened.publish(shop_id=shop.pk, owner_id=application.applicant_id)
    return shop


def _copy_application_logo(shop: Shop, application: ShopApplication) -> None:
    try:
        with application.logo.open("rb") as source:
            processed = process_image(source, spec=LOGO)
    except (ImageRejected, OSError):
        return  # the shop opens without a logo; the owner uploads one in the profile
    _store_logo(shop, processed)


def _store_logo(shop: Shop, processed) -> None:
    shop.logo.save(
        f"{shop.slug}-logo.{processed.extension}",
        ContentFile(processed.variants["large"]),
        save=False,
    )
    shop.logo_small.save(
        f"{shop.slug}-logo-small.{processed.extension}",
        ContentFile(processed.variants["small"]),
        save=False,
    )
    shop.save(update_fields=["logo", "logo_small", "updated_at"])


STATE_MESSAGES = {
    Shop.State.ACTIVE: _("Your shop “%(name)s” is active again."),
    Shop.State.RESTRICTED: _("Your shop “%(name)s” is restricted: it cannot list new products."),
    Shop.State.SUSPENDED: _("Your shop “%(name)s” is suspended and hidden from buyers."),
    Shop.State.CLOSED: _("Your shop “%(name)s” is closed."),
}


@transaction.atomic
def change_shop_state(*, shop: Shop, to: str, actor, reason: str, request=None) -> Shop:
    """A platform decision: active / restricted / suspended / closed, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for this decision."), field="reason")
    before = shop.state
    transition(
        shop,
        to=to,
        actor=actor,
        reason=reason,
        changes={"state_reason": reason, "state_changed_at": timezone.now()},
    )
    audit.record(
        "shop.state_changed",
        actor=actor,
        obj=shop,
        shop_id=shop.pk,
        before={"state": before},
        after={"state": to},
        reason=reason,
        request=request,
    )
    owners = Membership.objects.filter(shop=shop, role__in=[Role.OWNER, Role.MANAGER])
    for membership in owners.select_related("user"):
        notify(
            membership.user,
            title=lambda: STATE_MESSAGES[to] % {"name": shop.name},
            body=lambda: _("Reason given by the platform: %(reason)s") % {"reason": reason},
            link=reverse("seller:dashboard"),
            shop_id=shop.pk,
        )
    return shop


@transaction.atomic
def update_shop_profile(
    *, shop: Shop, actor, logo=None, banner=None, request=None, **fields
) -> Shop:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    processed_logo = processed_banner = None
    try:
        if logo is not None:
            processed_logo = process_image(logo, spec=LOGO)
    except ImageRejected as error:
        raise DomainError(error.message, code=error.code, field="logo") from error
    try:
        if banner is not None:
            processed_banner = process_image(banner, spec=BANNER)
    except ImageRejected as error:
        raise DomainError(error.message, code=error.code, field="banner") from error
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    before = {name: getattr(shop, name) for name in PROFILE_FIELDS}
    for name, value in fields.items():
        setattr(shop, name, value.strip() if isinstance(value, str) else value)
    full_clean_or_raise(
        shop,
        exclude=["logo", "logo_small", "banner", "slug", "name_normalized"],
        validate_unique=False,
        validate_constraints=False,
    )
    shop.save()
    if processed_logo is not None:
        _store_logo(shop, processed_logo)
    if processed_banner is not None:
        shop.banner.save(
            f"{shop.slug}-banner.{processed_banner.extension}",
            ContentFile(processed_banner.variants["large"]),
            save=False,
        )
        shop.save(update_fields=["banner", "updated_at"])
    changed_before, changed_after = audit.changes(shop, PROFILE_FIELDS, before)
    if processed_logo is not None:
        changed_after["logo"] = shop.logo.name
    if processed_banner is not None:
        changed_after["banner"] = shop.banner.name
    if changed_after:
        audit.record(
            "shop.profile_updated",
            actor=actor,
            obj=shop,
            shop_id=shop.pk,
            before=changed_before,
            after=changed_after,
            request=request,
        )
    return shop


def follow_shop(*, user, shop: Shop) -> bool:
    """Follow (idempotent); returns True when this call started following."""
    with transaction.atomic():
        _, created = ShopFollow.objects.get_or_create(user=user, shop=shop)
        if created:
            Shop.objects.filter(pk=shop.pk).update(follower_count=F("follower_count") + 1)
    return created


def unfollow_shop(*, user, shop: Shop) -> bool:
    with transaction.atomic():
        deleted, _ = ShopFollow.objects.filter(user=user, shop=shop).delete()
        if deleted:
            Shop.objects.filter(pk=shop.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    return bool(deleted)
