"""Shop applications: draft, submit, resubmit, withdraw; review decisions (SPEC §4.1, DESIGN §5).

Every state change goes through `marketplace.core.states.transition` and writes an audit row;
the applicant is notified of decisions in the seller center and by e-mail (after commit).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance import audit
from marketplace.core.errors import ConflictError, DomainError, full_clean_or_raise
from marketplace.core.images import LOGO, ImageRejected, process_image
from marketplace.core.notifications import notify
from marketplace.core.states import transition
from shops.models import (
    COMPANY_TYPES,
    REQUIRED_DOCUMENTS,
    ApplicationDocument,
    DocumentKind,
    ShopApplication,
    ShopType,
    ShopTypeTerms,
)
from shops.services.documents import clean_document
from shops.services.naming import clean_shop_name

State = ShopApplication.State

# Fields an applicant fills, and which of them each shop type must fill before submitting.
EDITABLE_FIELDS = (
    "shop_type",
    "shop_name",
    "description",
    "main_categories",
    "brand_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "legal_name",
    "id_number",
    "credit_code",
    "legal_representative",
    "business_address",
    "business_scope",
    "account_holder",
    "bank_name",
    "bank_account",
)
AUDITED_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in {"id_number", "bank_account"})
COMMON_REQUIRED = (
    "shop_name",
    "main_categories",
    "contact_name",
    "contact_phone",
    "contact_email",
    "legal_name",
    "account_holder",
    "bank_name",
    "bank_account",
)
TYPE_REQUIRED = {
    ShopType.INDIVIDUAL: ("id_number",),
    ShopType.ENTERPRISE: ("credit_code", "legal_representative", "business_address"),
    ShopType.FLAGSHIP: ("credit_code", "legal_representative", "business_address", "brand_name"),
    ShopType.AUTHORISED: ("credit_code", "legal_representative", "business_address", "brand_name"),
}
MAX_CATEGORIES = 3


def _field_label(name: str) -> str:
    return str(ShopApplication._meta.get_field(name).verbose_name)


def _ensure_editable(application: ShopApplication) -> None:
    if not application.is_editable:
        raise ConflictError(
            _("This application is “%(state)s” and can no longer be changed.")
            % {"state": application.get_state_display()},
            code="not_editable",
        )


def _ensure_applicant(application: ShopApplication, actor) -> None:
    if application.applicant_id != getattr(actor, "pk", None):
        raise DomainError(_("Application not found."), code="not_found")


def terms_for(shop_type: str) -> ShopTypeTerms | None:
    return ShopTypeTerms.objects.filter(shop_type=shop_type).first()


@transaction.atomic
def start_application(*, applicant, shop_type: str, request=None) -> ShopApplication:
    """A new draft. Refused while the applicant has another application in progress."""
    if shop_type not in ShopType.values:
        raise DomainError(_("Choose a shop type."), code="invalid", field="shop_type")
    terms = terms_for(shop_type)
    if terms is not None and not terms.accepting_applications:
        raise DomainError(
            _("The platform is not accepting applications for this shop type at the moment."),
            code="closed",
            field="shop_type",
        )
    existing = applicant.shop_applications.filter(state__in=ShopApplication.OPEN_STATES).first()
    if existing is not None:
        raise ConflictError(
            _(
                "You already have an application in progress (%(state)s). Continue it or withdraw "
                "it before starting another one."
            )
            % {"state": existing.get_state_display()},
            code="application_in_progress",
        )
    try:
        with transaction.atomic():
            application = ShopApplication.objects.create(
                applicant=applicant,
                shop_type=shop_type,
                contact_email=applicant.email,
                contact_name=applicant.display_name,
                contact_phone=applicant.phone,
            )
    except IntegrityError as error:  # a concurrent start won
        raise ConflictError(
            _("You already have an application in progress."), code="application_in_progress"
        ) from error
    audit.record(
        "shop_application.started",
        actor=applicant,
        obj=application,
        after={"shop_type": shop_type},
        request=request,
    )
    return application


@transaction.atomic
def update_application(*, application: ShopApplication, actor, request=None, **fields):
    """Save draft fields (any subset of EDITABLE_FIELDS). The name is checked when given."""
    _ensure_applicant(application, actor)
    application = ShopApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    shop_type = fields.get("shop_type", application.shop_type)
    if shop_type not in ShopType.values:
        raise DomainError(_("Choose a shop type."), field="shop_type")
    if "main_categories" in fields:
        categories = list(dict.fromkeys(fields["main_categories"] or []))
        if len(categories) > MAX_CATEGORIES:
            raise DomainError(
                _("Choose at most %(n)s main categories.") % {"n": MAX_CATEGORIES},
                field="main_categories",
            )
        fields["main_categories"] = categories
    if fields.get("shop_name"):
        fields["shop_name"], application.shop_name_normalized = clean_shop_name(
            fields["shop_name"], shop_type=shop_type, application=application
        )
    elif "shop_name" in fields:
        application.shop_name_normalized = ""
    before = {name: getattr(application, name) for name in AUDITED_FIELDS}
    for name, value in fields.items():
        if name in ("id_number", "bank_account"):
            value = "".join((value or "").split())
            if not value:
                continue  # blank keeps the stored secret (the form never shows it)
        setattr(application, name, value)
    full_clean_or_raise(
        application, exclude=["logo", "applicant", "shop"], validate_constraints=False
    )
    application.save()
    changed_before, changed_after = audit.changes(application, AUDITED_FIELDS, before)
    if changed_after or {"id_number", "bank_account"} & set(fields):
        audit.record(
            "shop_application.updated",
            actor=actor,
            obj=application,
            before=changed_before,
            after=changed_after,
            request=request,
        )
    return application


@transaction.atomic
def set_application_logo(*, application: ShopApplication, actor, upload) -> ShopApplication:
    _ensure_applicant(application, actor)
    _ensure_editable(application)
    try:
        processed = process_image(upload, spec=LOGO)
    except ImageRejected as error:
        raise DomainError(error.message, code=error.code, field="logo") from error
    application.logo.save(
        f"logo-{application.pk}.{processed.extension}",
        ContentFile(processed.variants["large"]),
        save=False,
    )
    application.save(update_fields=["logo", "updated_at"])
    return application


def allowed_document_kinds(shop_type: str) -> list[str]:
    kinds = [kind for group in REQUIRED_DOCUMENTS.get(shop_type, []) for kind in group]
    if shop_type in COMPANY_TYPES:
        kinds.append(DocumentKind.IDENTITY)  # the legal representative's, optional
    return list(dict.fromkeys(kinds))


@transaction.atomic
def add_document(
    *, application: ShopApplication, actor, kind: str, upload, expires_on=None, request=None
) -> ApplicationDocument:
    _ensure_applicant(application, actor)
    _ensure_editable(application)
    if kind not in allowed_document_kinds(application.shop_type):
        raise DomainError(
            _("This document is not needed for a %(type)s.")
            % {"type": application.get_shop_type_display()},
            field="kind",
        )
    if expires_on is not None and expires_on <= timezone.localdate():
        raise DomainError(_("This document has already expired."), field="expires_on")
    clean = clean_document(upload)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "document")[-200:],
        content_type=clean.content_type,
        size=len(clean.content),
        expires_on=expires_on,
    )
    document.file.save(f"document.{clean.extension}", ContentFile(clean.content), save=False)
    document.save()
    audit.record(
        "shop_application.document_added",
        actor=actor,
        obj=application,
        after={"kind": kind, "file": document.original_name},
        request=request,
    )
    return document


@transaction.atomic
def remove_document(
    *, application: ShopApplication, actor, document: ApplicationDocument, request=None
) -> None:
    _ensure_applicant(application, actor)
    _ensure_editable(application)
    if document.application_id != application.pk:
        raise DomainError(_("Document not found."), code="not_found")
    name = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit.record(
        "shop_application.document_removed",
        actor=actor,
        obj=application,
        before={"kind": document.kind, "file": document.original_name},
        request=request,
    )


def missing_items(application: ShopApplication) -> list[tuple[str, str]]:
    """What still blocks submission: (field or "documents"/"agreement", message)."""
    missing: list[tuple[str, str]] = []
    for name in (*COMMON_REQUIRED, *TYPE_REQUIRED.get(application.shop_type, ())):
        if not getattr(application, name):
            missing.append(
                (name, _("%(field)s is required.") % {"field": _field_label(name).capitalize()})
            )
    present = set(application.documents.values_list("kind", flat=True))
    for group in REQUIRED_DOCUMENTS.get(application.shop_type, []):
        if not present & set(group):
            labels = " / ".join(str(DocumentKind(kind).label) for kind in group)
            missing.append(("documents", _("Upload the %(doc)s.") % {"doc": labels}))
    return missing


@transaction.atomic
def submit_application(
    *, application: ShopApplication, actor, accept_agreement: bool, request=None
) -> ShopApplication:
    """Submit (or resubmit after a rejection) for review. Complete applications only."""
    _ensure_applicant(application, actor)
    application = ShopApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    if not accept_agreement:
        raise DomainError(
            _("You must accept the seller agreement to submit."), field="accept_agreement"
        )
    missing = missing_items(application)
    if missing:
        field, message = missing[0]
        raise DomainError(message, code="incomplete", field=field)
    display, normalized = clean_shop_name(
        application.shop_name, shop_type=application.shop_type, application=application
    )
    now = timezone.now()
    resubmission = application.state == State.REJECTED
    try:
        with transaction.atomic():
            transition(
                application,
                to=State.SUBMITTED,
                actor=actor,
                reason="resubmitted" if resubmission else "",
                changes={
                    "shop_name": display,
                    "shop_name_normalized": normalized,
                    "submitted_at": now,
                    "submission_count": application.submission_count + 1,
                    "agreement_version": settings.LEGAL_DOCUMENTS.get("platform_agreement", ""),
                    "agreement_accepted_at": now,
                },
            )
    except IntegrityError as error:  # another application with this name entered review
        raise DomainError(
            _("The name “%(name)s” is already taken.") % {"name": display},
            code="name_taken",
            field="shop_name",
        ) from error
    audit.record(
        "shop_application.resubmitted" if resubmission else "shop_application.submitted",
        actor=actor,
        obj=application,
        before={"state": State.REJECTED if resubmission else State.DRAFT},
        after={"state": State.SUBMITTED},
        request=request,
    )
    return application


@transaction.atomic
def withdraw_application(*, application: ShopApplication, actor, request=None):
    _ensure_applicant(application, actor)
    before = application.state
    transition(application, to=State.WITHDRAWN, actor=actor)
    audit.record(
        "shop_application.withdrawn",
        actor=actor,
        obj=application,
        before={"state": before},
        after={"state": State.WITHDRAWN},
        request=request,
    )
    return application


def _application_link(application) -> str:
    return reverse("seller:application-detail", args=[application.pk])


@transaction.atomic
def approve_application(*, application: ShopApplication, reviewer, request=None):
    """Approve: the shop, its owner membership and default policies, in one transaction."""
    from shops.services.shops import open_shop_from_application

    transition(
        application,
        to=State.APPROVED,
        actor=reviewer,
        changes={"decided_at": timezone.now(), "decided_by": reviewer},
    )
    shop = open_shop_from_application(application=application, actor=reviewer)
    application.shop = shop
    application.save(update_fields=["shop", "updated_at"])
    audit.record(
        "shop_application.approved",
        actor=reviewer,
        obj=application,
        shop_id=shop.pk,
        before={"state": State.SUBMITTED},
        after={"state": State.APPROVED, "shop": shop.slug},
        request=request,
    )
    notify(
        application.applicant,
        title=lambda: _("Your shop “%(name)s” is open") % {"name": shop.name},
        body=_(
            "Your application was approved. Complete your shop profile, invite your team "
            "and start listing products."
        ),
        link=reverse("seller:dashboard"),
        shop_id=shop.pk,
    )
    return shop


@transaction.atomic
def reject_application(
    *, application: ShopApplication, reviewer, reason: str, note: str = "", request=None
) -> ShopApplication:
    note = (note or "").strip()
    if reason not in ShopApplication.RejectionReason.values:
        raise DomainError(_("Choose a reason from the list."), field="reason")
    if reason == ShopApplication.RejectionReason.OTHER and not note:
        raise DomainError(_("Explain the reason in the note."), field="note")
    transition(
        application,
        to=State.REJECTED,
        actor=reviewer,
        reason=f"{reason}: {note}" if note else reason,
        changes={
            "decided_at": timezone.now(),
            "decided_by": reviewer,
            "rejection_reason": reason,
            "rejection_note": note,
        },
    )
    audit.record(
        "shop_application.rejected",
        actor=reviewer,
        obj=application,
        before={"state": State.SUBMITTED},
        after={"state": State.REJECTED, "reason": reason},
        reason=note,
        request=request,
    )

    def body():
        label = ShopApplication.RejectionReason(reason).label
        parts = [_("Reason: %(reason)s.") % {"reason": label}, note]
        parts.append(_("You can correct the application and submit it again."))
        return "\n".join(str(part) for part in parts if part)

    notify(
        application.applicant,
        title=_("Your shop application needs changes"),
        body=body,
        link=_application_link(application),
    )
    return application
