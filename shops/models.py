"""Models of the Shops chapter: applications, shops (the tenant), staff and followers.

Fields, constraints and cheap properties only; the workflows are in `shops.services`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.crypto import EncryptedTextField, mask
from marketplace.core.states import StateMachine
from shops.roles import Role
from shops.scoping.models import ShopOwnedModel
from shops.storage import private_storage


class ShopType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual shop")
    ENTERPRISE = "enterprise", _("Enterprise shop")
    FLAGSHIP = "flagship", _("Flagship shop (brand owner)")
    AUTHORISED = "authorised", _("Brand authorised / specialty shop")


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    TRADEMARK_REGISTRATION = "trademark_registration", _("Trademark registration certificate")
    BRAND_AUTHORISATION = "brand_authorisation", _("Brand authorisation letter")


# Each shop type needs one document of every group; any kind within a group satisfies it.
REQUIRED_DOCUMENTS: dict[str, list[tuple[str, ...]]] = {
    ShopType.INDIVIDUAL: [(DocumentKind.IDENTITY,)],
    ShopType.ENTERPRISE: [(DocumentKind.BUSINESS_LICENCE,)],
    ShopType.FLAGSHIP: [
        (DocumentKind.BUSINESS_LICENCE,),
        (DocumentKind.TRADEMARK_REGISTRATION, DocumentKind.BRAND_AUTHORISATION),
    ],
    ShopType.AUTHORISED: [
        (DocumentKind.BUSINESS_LICENCE,),
        (DocumentKind.BRAND_AUTHORISATION, DocumentKind.TRADEMARK_REGISTRATION),
    ],
}

COMPANY_TYPES = {ShopType.ENTERPRISE, ShopType.FLAGSHIP, ShopType.AUTHORISED}
BRAND_TYPES = {ShopType.FLAGSHIP, ShopType.AUTHORISED}


class MainCategory(models.TextChoices):
    """Top-level categories an applicant chooses from (the catalog's tree refines them)."""

    APPAREL = "apparel", _("Clothing and accessories")
    SHOES_BAGS = "shoes_bags", _("Shoes and bags")
    BEAUTY = "beauty", _("Beauty and personal care")
    MOTHER_BABY = "mother_baby", _("Mother and baby")
    FOOD = "food", _("Food and drink")
    FRESH = "fresh", _("Fresh produce")
    HOME = "home", _("Home and living")
    ELECTRONICS = "electronics", _("Phones and electronics")
    APPLIANCES = "appliances", _("Home appliances")
    SPORTS = "sports", _("Sports and outdoors")
    BOOKS = "books", _("Books and media")
    HEALTH = "health", _("Health")
    PETS = "pets", _("Pet supplies")
    TOYS = "toys", _("Toys and hobbies")
    JEWELLERY = "jewellery", _("Jewellery and watches")
    AUTO = "auto", _("Car accessories")


def category_labels(values) -> list[str]:
    return [str(MainCategory(value).label) for value in values if value in MainCategory.values]


class ShopTypeTerms(models.Model):
    """Deposit and fees per shop type, shown to applicants and set by platform staff in admin."""

    shop_type = models.CharField(
        _("shop type"), max_length=20, choices=ShopType.choices, unique=True
    )
    deposit = models.DecimalField(
        _("deposit"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    annual_fee = models.DecimalField(
        _("annual software fee"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    commission_rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Percentage of each order's goods value."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    notes = models.TextField(_("notes shown to applicants"), blank=True)
    accepting_applications = models.BooleanField(_("accepting applications"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop type terms")
        verbose_name_plural = _("shop type terms")
        ordering = ["shop_type"]

    def __str__(self):
        return str(self.get_shop_type_display())


class ShopApplication(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, in review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class RejectionReason(models.TextChoices):
        DOCUMENTS_UNCLEAR = "documents_unclear", _("Documents are unreadable or incomplete")
        DOCUMENTS_MISMATCH = "documents_mismatch", _("Documents do not match the details given")
        DOCUMENTS_EXPIRED = "documents_expired", _("A document has expired")
        NAME_NOT_ALLOWED = "name_not_allowed", _("The shop name is not allowed")
        BRAND_NOT_AUTHORISED = "brand_not_authorised", _("The brand authorisation is missing")
        CATEGORY_NOT_ALLOWED = "category_not_allowed", _("Main categories need other licences")
        SETTLEMENT_INVALID = "settlement_invalid", _("The settlement account is not valid")
        OTHER = "other", _("Other (see the note)")

    state_machine = StateMachine(
        name="shop_application",
        states=State,
        transitions={
            State.DRAFT: {State.SUBMITTED, State.WITHDRAWN},
            State.SUBMITTED: {State.APPROVED, State.REJECTED, State.WITHDRAWN},
            State.REJECTED: {State.SUBMITTED, State.WITHDRAWN},
            State.APPROVED: set(),
            State.WITHDRAWN: set(),
        },
    )
    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.REJECTED)
    EDITABLE_STATES = (State.DRAFT, State.REJECTED)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shop_applications",
        verbose_name=_("applicant"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    shop_type = models.CharField(_("shop type"), max_length=20, choices=ShopType.choices)
    # The shop
    shop_name = models.CharField(_("shop name"), max_length=30, blank=True)
    shop_name_normalized = models.CharField(
        max_length=60, blank=True, db_index=True, editable=False
    )
    description = models.TextField(_("shop description"), max_length=2000, blank=True)
    main_categories = ArrayField(
        models.CharField(max_length=30, choices=MainCategory.choices),
        verbose_name=_("main categories"),
        default=list,
        blank=True,
    )
    logo = models.ImageField(_("logo"), upload_to="shops/applications/logos/", blank=True)
    brand_name = models.CharField(_("brand"), max_length=100, blank=True)
    # Contact
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Who sells: the person (individual shops) or the company
    legal_name = models.CharField(
        _("legal name"),
        max_length=120,
        blank=True,
        help_text=_("Your full name as on your identity document, or the company's name."),
    )
    id_number = EncryptedTextField(_("identity document number"), blank=True)
    credit_code = models.CharField(
        _("unified social credit code / company number"), max_length=30, blank=True
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    business_address = models.CharField(_("registered address"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), max_length=1000, blank=True)
    # Settlement account (bank details encrypted at rest, masked everywhere they are listed)
    account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account = EncryptedTextField(_("bank account number"), blank=True)
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True)
    # Agreement
    agreement_version = models.CharField(_("seller agreement version"), max_length=40, blank=True)
    agreement_accepted_at = models.DateTimeField(_("agreement accepted at"), null=True, blank=True)
    # Review
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    submission_count = models.PositiveSmallIntegerField(_("submissions"), default=0)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    rejection_note = models.TextField(_("note to the applicant"), blank=True)
    shop = models.OneToOneField(
        "shops.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("shop"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop application")
        verbose_name_plural = _("shop applications")
        ordering = ["-submitted_at", "-created_at"]
        permissions = [("review_shopapplication", _("Can approve or reject shop applications"))]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(state__in=["draft", "submitted", "rejected"]),
                name="shops_one_open_application_per_user",
                violation_error_message=_("You already have an application in progress."),
            ),
            models.UniqueConstraint(
                fields=["shop_name_normalized"],
                condition=models.Q(state="submitted"),
                name="shops_application_name_reserved_while_in_review",
            ),
        ]

    def __str__(self):
        return self.shop_name or _("Application #%(id)s") % {"id": self.pk}

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def bank_account_masked(self) -> str:
        return mask(self.bank_account)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def main_category_labels(self) -> list[str]:
        return category_labels(self.main_categories)

    @property
    def is_company(self) -> bool:
        return self.shop_type in COMPANY_TYPES

    @property
    def needs_brand(self) -> bool:
        return self.shop_type in BRAND_TYPES


def document_upload_to(instance, filename):
    # A random name: the original one is kept in `original_name` and never used as a path.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"shops/applications/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class ApplicationDocument(models.Model):
    """A qualification document. Stored privately: only its applicant and platform staff see it."""

    application = models.ForeignKey(
        ShopApplication, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Shop(models.Model):
    """The tenant. Created only by approving an application (shops.services)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RESTRICTED = "restricted", _("Restricted (cannot list new products)")
        SUSPENDED = "suspended", _("Suspended (hidden)")
        CLOSED = "closed", _("Closed")

    state_machine = StateMachine(
        name="shop",
        states=State,
        transitions={
            State.ACTIVE: {State.RESTRICTED, State.SUSPENDED, State.CLOSED},
            State.RESTRICTED: {State.ACTIVE, State.SUSPENDED, State.CLOSED},
            State.SUSPENDED: {State.ACTIVE, State.RESTRICTED, State.CLOSED},
            State.CLOSED: set(),
        },
        shop_id_attr="pk",
    )
    # The states buyers see. SQL mirrors this in `shops_shop_is_visible(state)` (migration 0003,
    # used by the catalog's trigger on this table): changing it needs a new migration that
    # re-creates that function; tests/shops/test_visibility_sql.py catches a mismatch.
    VISIBLE_STATES = (State.ACTIVE, State.RESTRICTED)

    name = models.CharField(_("name"), max_length=30)
    name_normalized = models.CharField(max_length=60, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    shop_type = models.CharField(_("shop type"), max_length=20, choices=ShopType.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    state_reason = models.TextField(_("reason for the state"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    # Profile
    logo = models.ImageField(_("logo"), upload_to="shops/logos/", blank=True)
    logo_small = models.ImageField(_("small logo"), upload_to="shops/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="shops/banners/", blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    main_categories = ArrayField(
        models.CharField(max_length=30, choices=MainCategory.choices),
        verbose_name=_("main categories"),
        default=list,
        blank=True,
    )
    brand_name = models.CharField(_("brand"), max_length=100, blank=True)
    service_hours = models.CharField(_("customer service hours"), max_length=120, blank=True)
    service_channels = models.TextField(
        _("customer service channels"),
        max_length=500,
        blank=True,
        help_text=_("How buyers reach you: online chat, phone, e-mail …"),
    )
    service_phone = models.CharField(_("customer service phone"), max_length=30, blank=True)
    service_email = models.EmailField(_("customer service e-mail"), blank=True)
    return_policy = models.TextField(_("return policy"), max_length=4000, blank=True)
    shipping_policy = models.TextField(_("shipping policy"), max_length=4000, blank=True)
    # Business information the law asks a seller to display (E-Commerce Law art. 15)
    business_name = models.CharField(_("business name"), max_length=120, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=30, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    business_address = models.CharField(_("registered address"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), max_length=1000, blank=True)
    # Terms when the shop opened
    deposit = models.DecimalField(_("deposit"), max_digits=12, decimal_places=2, default=0)
    annual_fee = models.DecimalField(_("annual fee"), max_digits=12, decimal_places=2, default=0)
    commission_rate = models.DecimalField(
        _("commission rate (%)"), max_digits=5, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # Settlement (copied from the application)
    account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account = EncryptedTextField(_("bank account number"), blank=True)
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True)
    # Counters (changed with F() by services)
    follower_count = models.PositiveIntegerField(_("followers"), default=0)
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        permissions = [("change_shop_state", _("Can restrict, suspend, close or reopen shops"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["active", "restricted", "suspended", "closed"]),
                name="shops_shop_state_valid",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop-detail", args=[self.slug])

    @property
    def is_visible(self) -> bool:
        return self.state in self.VISIBLE_STATES

    @property
    def main_category_labels(self) -> list[str]:
        return category_labels(self.main_categories)

    @property
    def can_list_products(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def bank_account_masked(self) -> str:
        return mask(self.bank_account)


class Membership(ShopOwnedModel):
    """A user's place in a shop's staff, with one role."""

    shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        db_index=True,
        related_name="memberships",
        verbose_name=_("shop"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shop_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop staff member")
        verbose_name_plural = _("shop staff")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "user"], name="shops_membership_once_per_shop")
        ]

    def __str__(self):
        return f"{self.user} @ {self.shop} ({self.get_role_display()})"


class Invitation(ShopOwnedModel):
    """An e-mailed invitation to join a shop's staff. Only a hash of the token is stored."""

    shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        db_index=True,
        related_name="invitations",
        verbose_name=_("shop"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="shops_one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.shop} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ShopFollow(models.Model):
    """A buyer follows a shop (the count is kept on Shop.follower_count)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_shops"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop follower")
        verbose_name_plural = _("shop followers")
        constraints = [models.UniqueConstraint(fields=["user", "shop"], name="shops_follow_once")]

    def __str__(self):
        return f"{self.user} ♥ {self.shop}"
