"""Demo shops for `manage.py seed_demo` (idempotent: it creates only what is missing).

Three active shops, one of each main type, opened the real way (application → review →
approval, so the audit log and notifications are there too): seller1 owns two shops (the switcher
shows), seller2 the flagship; staff1 works in customer service and staff2 edits products; one
application waits in the review queue and one was rejected. Logos and banners are drawn with
Pillow.
"""

from __future__ import annotations

import io

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from marketplace.accounts.models import User
from shops import services
from shops.models import Membership, Shop, ShopApplication
from shops.roles import Role

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

SHOPS = [
    {
        "owner": "seller1@demo.marketplace.local",
        "shop_type": "individual",
        "shop_name": "Li Wei Handmade",
        "colors": ((46, 125, 50), (200, 230, 201)),
        "initials": "LW",
        "description": "Hand-thrown tea cups and bowls from a small studio in Jingdezhen.",
        "main_categories": ["home"],
        "legal_name": "Li Wei",
        "id_number": "110101199003070012",
        "documents": ["identity"],
        "staff": [],
    },
    {
        "owner": "seller1@demo.marketplace.local",
        "shop_type": "enterprise",
        "shop_name": "Jade Tea House",
        "colors": ((0, 105, 92), (178, 223, 219)),
        "initials": "JT",
        "description": "Longjing, Biluochun and Pu'er straight from the gardens around Hangzhou.",
        "main_categories": ["food"],
        "legal_name": "Hangzhou Jade Tea Trading Co., Ltd.",
        "credit_code": "91330106MA2H3JT01X",
        "legal_representative": "Li Wei",
        "business_address": "88 Longjing Road, Xihu District, Hangzhou",
        "business_scope": "Retail of tea, tea ware and packaged food.",
        "documents": ["business_licence"],
        "staff": [
            ("staff1@demo.marketplace.local", Role.CUSTOMER_SERVICE),
            ("staff2@demo.marketplace.local", Role.PRODUCT_EDITOR),
        ],
    },
    {
        "owner": "seller2@demo.marketplace.local",
        "shop_type": "flagship",
        "shop_name": "Lumière Official Flagship",
        "colors": ((49, 27, 146), (209, 196, 233)),
        "initials": "L",
        "description": "The official store of Lumière: skin care made in Grasse.",
        "main_categories": ["beauty"],
        "brand_name": "Lumière",
        "legal_name": "Lumière Cosmetics (Shanghai) Co., Ltd.",
        "credit_code": "91310115MA1LUM0001",
        "legal_representative": "Emma Clark",
        "business_address": "1000 Lujiazui Ring Road, Pudong, Shanghai",
        "business_scope": "Import and retail of cosmetics.",
        "documents": ["business_licence", "trademark_registration"],
        "staff": [("staff2@demo.marketplace.local", Role.MANAGER)],
    },
]

PENDING = {
    "owner": "applicant1@demo.marketplace.local",
    "shop_type": "authorised",
    "shop_name": "Sunrise Outdoor Authorised",
    "colors": ((230, 81, 0), (255, 224, 178)),
    "initials": "SO",
    "description": "Authorised reseller of Sunrise tents and backpacks.",
    "main_categories": ["sports"],
    "brand_name": "Sunrise",
    "legal_name": "Chengdu Sunrise Outdoor Co., Ltd.",
    "credit_code": "91510100MA6SUN0002",
    "legal_representative": "Zhou Yang",
    "business_address": "12 Tianfu Avenue, Chengdu",
    "documents": ["business_licence", "brand_authorisation"],
}
REJECTED = {
    "owner": "applicant2@demo.marketplace.local",
    "shop_type": "individual",
    "shop_name": "Granny Wu's Pickles",
    "colors": ((121, 85, 72), (215, 204, 200)),
    "initials": "W",
    "description": "Home-made pickled vegetables from Sichuan.",
    "main_categories": ["food"],
    "legal_name": "Wu Lan",
    "id_number": "510104195505050023",
    "documents": ["identity"],
    "rejection": (
        "category_not_allowed",
        "Selling food needs a food business licence; "
        "apply as an enterprise shop with the licence attached.",
    ),
}


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # an older Pillow without scalable default font
        return ImageFont.load_default()


def draw_logo(initials: str, colors, size: int = 400) -> bytes:
    dark, light = colors
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.08, size * 0.08, size * 0.92, size * 0.92], fill=dark)
    font = _font(int(size * 0.36))
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, fill=light, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_banner(colors, size=(1200, 300)) -> bytes:
    """A gradient with soft circles: no text (the default font has no accents or CJK, and the
    page shows the shop's name under the banner anyway)."""
    dark, light = colors
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    width, height = size
    for x in range(0, width, 4):
        t = x / width
        color = tuple(int(light[i] * (1 - t) + dark[i] * t) for i in range(3))
        draw.rectangle([x, 0, x + 4, height], fill=color)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for index, (cx, cy, r) in enumerate(
        [(180, 60, 140), (520, 260, 110), (860, 40, 170), (1100, 240, 120)]
    ):
        alpha = 40 + 15 * (index % 2)
        shapes.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 255, 255, alpha))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


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
