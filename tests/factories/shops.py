"""Factories of the shops chapter. Shops are normally opened by approving an application; the
factories write rows directly so tests can start from any state."""

from __future__ import annotations

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from compliance.normalize import normalize_text
from shops.models import (
    ApplicationDocument,
    Invitation,
    Membership,
    Shop,
    ShopApplication,
    ShopType,
)
from shops.roles import Role
from tests.factories.accounts import UserFactory


def image_bytes(fmt: str = "PNG", size=(64, 64), color=(200, 30, 40), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def image_upload(name="logo.png", fmt="PNG", size=(64, 64), **kwargs) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size, **kwargs), content_type=content_type)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name="licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Test Shop {n}")
    name_normalized = factory.LazyAttribute(lambda o: normalize_text(o.name))
    slug = factory.Sequence(lambda n: f"test-shop-{n}")
    shop_type = ShopType.ENTERPRISE
    state = Shop.State.ACTIVE
    description = "Tea and tea ware from Hangzhou."
    business_name = factory.LazyAttribute(lambda o: f"{o.name} Trading Co., Ltd.")
    registration_number = "91330100MA2XXXXX1X"
    legal_representative = "Wang Fang"
    business_address = "1 West Lake Road, Hangzhou"
    return_policy = "7-day returns."
    shipping_policy = "Ships in 48 hours."
    bank_account = "6222020212345678"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    shop = factory.SubFactory(ShopFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.CUSTOMER_SERVICE
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ShopApplicationFactory(factory.django.DjangoModelFactory):
    """A complete enterprise application in draft (documents: see `with_documents`)."""

    class Meta:
        model = ShopApplication
        skip_postgeneration_save = True

    applicant = factory.SubFactory(UserFactory)
    shop_type = ShopType.ENTERPRISE
    shop_name = factory.Sequence(lambda n: f"Applicant Shop {n}")
    shop_name_normalized = factory.LazyAttribute(lambda o: normalize_text(o.shop_name))
    description = "Hand-made ceramics."
    main_categories = factory.LazyFunction(lambda: ["home"])
    contact_name = "Chen Jing"
    contact_phone = "13900139000"
    contact_email = factory.LazyAttribute(lambda o: o.applicant.email)
    legal_name = "Chen Ceramics Co., Ltd."
    credit_code = "91330100MA2YYYYY2Y"
    legal_representative = "Chen Jing"
    business_address = "8 Kiln Street, Jingdezhen"
    account_holder = "Chen Ceramics Co., Ltd."
    bank_name = "Bank of Hangzhou"
    bank_account = "6222020299998888"

    @factory.post_generation
    def with_documents(obj, create, extracted, **kwargs):
        if create and extracted:
            from django.core.files.base import ContentFile

            from shops.models import REQUIRED_DOCUMENTS

            for group in REQUIRED_DOCUMENTS[obj.shop_type]:
                document = ApplicationDocument(
                    application=obj,
                    kind=group[0],
                    original_name=f"{group[0]}.pdf",
                    content_type="application/pdf",
                    size=len(PDF_BYTES),
                )
                document.file.save(f"{group[0]}.pdf", ContentFile(PDF_BYTES), save=False)
                document.save()


def submitted_application(**kwargs) -> ShopApplication:
    return ShopApplicationFactory(
        state=ShopApplication.State.SUBMITTED,
        submitted_at=timezone.now(),
        submission_count=1,
        with_documents=True,
        **kwargs,
    )
