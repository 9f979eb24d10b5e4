"""The demo walk: each shop is applied for, reviewed and approved through shops.services."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.accounts.models import User
from shops import services
from shops.demo.pictures import draw_banner, draw_logo
from shops.demo.specs import PDF, PENDING, REJECTED, SHOPS
from shops.models import Membership, Shop, ShopApplication


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _apply(spec: dict, applicant: User) -> ShopApplication:
    application = services.start_application(applicant=applicant, shop_type=spec["shop_type"])
    fields = {
        key: spec[key]
        for key in (
            "shop_name",
            "description",
            "main_categories",
            "brand_name",
            "legal_name",
            "id_number",
            "credit_code",
            "legal_representative",
            "business_address",
            "business_scope",
        )
        if key in spec
    }
    application = services.update_application(
        application=application,
        actor=applicant,
        contact_name=applicant.get_full_name(),
        contact_phone="13800138000",
        contact_email=applicant.email,
        account_holder=spec["legal_name"],
        bank_name="Industrial and Commercial Bank of China",
        bank_account="6222020200001234",
        **fields,
    )
    logo = draw_logo(spec["initials"], spec["colors"])
    services.set_application_logo(
        application=application, actor=applicant, upload=_upload("logo.png", logo, "image/png")
    )
    for kind in spec["documents"]:
        services.add_document(
            application=application,
            actor=applicant,
            kind=kind,
            upload=_upload(f"{kind}.pdf", PDF, "application/pdf"),
        )
    return services.submit_application(
        application=application, actor=applicant, accept_agreement=True
    )


def _user(email: str) -> User:
    return User.objects.get(email=email)


def seed_reviewer_group() -> Group:
    """The platform's 'reviewer' group: review applications and change shop states."""
    group, _created = Group.objects.get_or_create(name="reviewer")
    codenames = [
        "review_shopapplication",
        "view_shopapplication",
        "change_shop_state",
        "view_shop",
        "view_auditlog",
        "view_prohibitedword",
        "view_shoptypeterms",
    ]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group


def seed_demo(stdout) -> None:
    seed_reviewer_group()
    admin = _user("admin@demo.marketplace.local")
    for spec in SHOPS:
        if Shop.objects.filter(name=spec["shop_name"]).exists():
            continue
        owner = _user(spec["owner"])
        application = _apply(spec, owner)
        shop = services.approve_application(application=application, reviewer=admin)
        banner = draw_banner(spec["colors"])
        services.update_shop_profile(
            shop=shop,
            actor=owner,
            banner=_upload("banner.png", banner, "image/png"),
            service_phone="400-800-1234",
            service_channels="Online chat (9:00–21:00); phone 400-800-1234; e-mail",
        )
        for email, role in spec["staff"]:
            staff_user = _user(email)
            Membership.objects.get_or_create(
                shop=shop, user=staff_user, defaults={"role": role, "invited_by": owner}
            )
        stdout.write(f"  shop: {shop.name} ({shop.get_shop_type_display()}) /shops/{shop.slug}/")

    pending_owner = _user(PENDING["owner"])
    if not pending_owner.shop_applications.exists():
        _apply(PENDING, pending_owner)
        stdout.write(f"  application in review: {PENDING['shop_name']}")

    rejected_owner = _user(REJECTED["owner"])
    if not rejected_owner.shop_applications.exists():
        application = _apply(REJECTED, rejected_owner)
        reason, note = REJECTED["rejection"]
        services.reject_application(
            application=application, reviewer=admin, reason=reason, note=note
        )
        stdout.write(f"  rejected application: {REJECTED['shop_name']}")
