"""Forms of the seller center and of the review screens in admin.

Forms parse and show errors on the right field; the rules live in shops.services, whose
DomainError `marketplace.core.pages.refusals` places on the field it names (or above the form).
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core.pages import refusals
from shops import services
from shops.models import (
    BRAND_TYPES,
    COMPANY_TYPES,
    DocumentKind,
    MainCategory,
    Shop,
    ShopApplication,
    ShopType,
)
from shops.roles import ROLE_DESCRIPTIONS, Role

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


class ShopTypeField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=ShopType.choices, label=_("Shop type"), **kwargs)


class StartApplicationForm(forms.Form):
    shop_type = ShopTypeField()


# --- The wizard's steps -------------------------------------------------------------------------
class StepForm(forms.Form):
    """A wizard step editing some of the application's fields."""

    def __init__(self, *args, application: ShopApplication, **kwargs):
        self.application = application
        kwargs.setdefault("initial", self.initial_from(application))
        super().__init__(*args, **kwargs)

    def initial_from(self, application) -> dict:
        return {name: getattr(application, name, None) for name in self.base_fields}

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)

    def save(self, *, actor, request=None) -> bool:
        """Save through the services, all or nothing; False (with errors on the form) when a
        rule refuses."""
        with refusals(form=self) as outcome, transaction.atomic():
            self.save_extra(actor=actor, request=request)
            services.update_application(
                application=self.application,
                actor=actor,
                request=request,
                **self.service_fields(),
            )
        return outcome.ok

    def save_extra(self, *, actor, request=None) -> None:
        """What a step saves besides fields (the logo); runs in the same transaction."""


class TypeStepForm(StepForm):
    shop_type = ShopTypeField()


class ShopStepForm(StepForm):
    shop_name = forms.CharField(
        label=_("Shop name"),
        max_length=60,
        help_text=_(
            "2 to 30 characters. Buyers see it everywhere; it must be unique and free of "
            "absolute claims such as “best” or “No. 1”."
        ),
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    main_categories = forms.MultipleChoiceField(
        label=_("Main categories"),
        choices=MainCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to three."),
    )
    brand_name = forms.CharField(label=_("Brand"), max_length=100, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB; it is cropped to a square."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application.shop_type in BRAND_TYPES:
            self.fields["brand_name"].required = True
            self.fields["brand_name"].help_text = _(
                "The brand you own (flagship) or are authorised to sell (authorised shop)."
            )
        else:
            del self.fields["brand_name"]
        self.fields["logo"].initial = None

    def initial_from(self, application) -> dict:
        initial = super().initial_from(application)
        initial.pop("logo", None)
        return initial

    def clean(self):
        cleaned = super().clean()
        if "shop_name" in cleaned:  # the name rules, before anything is saved
            with refusals(form=self):
                cleaned["shop_name"], _normalized = services.clean_shop_name(
                    cleaned["shop_name"],
                    shop_type=self.application.shop_type,
                    application=self.application,
                )
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("logo", None)
        return fields

    def save_extra(self, *, actor, request=None) -> None:
        logo = self.cleaned_data.get("logo")
        if logo:
            services.set_application_logo(application=self.application, actor=actor, upload=logo)


class BusinessStepForm(StepForm):
    legal_name = forms.CharField(label=_("Full name"), max_length=120)
    id_number = forms.CharField(label=_("Identity document number"), max_length=40, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code / company number"), max_length=30
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60)
    business_address = forms.CharField(label=_("Registered address"), max_length=200)
    business_scope = forms.CharField(
        label=_("Business scope"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application.shop_type in COMPANY_TYPES:
            self.fields["legal_name"].label = _("Company name (as on the business licence)")
            del self.fields["id_number"]
        else:
            for name in (
                "credit_code",
                "legal_representative",
                "business_address",
                "business_scope",
            ):
                del self.fields[name]
            field = self.fields["id_number"]
            field.widget = forms.TextInput(attrs={"autocomplete": "off"})
            if self.application.id_number:
                field.help_text = _("Saved: %(masked)s. Leave empty to keep it.") % {
                    "masked": self.application.id_number_masked
                }
            else:
                field.required = True

    def initial_from(self, application) -> dict:
        initial = super().initial_from(application)
        initial["id_number"] = ""  # never sent back to the browser
        return initial

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if not code.replace("-", "").isalnum():
            raise forms.ValidationError(_("Use letters and digits only."))
        return code


class ContactStepForm(StepForm):
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    contact_email = forms.EmailField(label=_("Contact e-mail"))

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "").replace("-", "")
        if not phone.lstrip("+").isdigit() or len(phone) < 5:
            raise forms.ValidationError(_("Enter a valid phone number."))
        return phone


class SettlementStepForm(StepForm):
    account_holder = forms.CharField(label=_("Account holder"), max_length=120)
    bank_name = forms.CharField(label=_("Bank"), max_length=120)
    bank_account = forms.CharField(
        label=_("Account number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["bank_account"]
        if self.application.bank_account:
            field.help_text = _("Saved: %(masked)s. Leave empty to keep it.") % {
                "masked": self.application.bank_account_masked
            }
        else:
            field.required = True
            field.help_text = _("Stored encrypted; only the last four digits are ever shown.")

    def initial_from(self, application) -> dict:
        initial = super().initial_from(application)
        initial["bank_account"] = ""
        return initial

    def clean_bank_account(self):
        number = "".join(self.cleaned_data["bank_account"].split()).replace("-", "")
        if number and (not number.isalnum() or not 8 <= len(number) <= 34):
            raise forms.ValidationError(_("Enter the account number (8 to 34 letters and digits)."))
        return number


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("PDF, JPEG, PNG or WebP, at most 10 MB."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If the document has an expiry date."),
    )

    def __init__(self, *args, application: ShopApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["kind"].choices = [
            (kind, DocumentKind(kind).label)
            for kind in services.allowed_document_kinds(application.shop_type)
        ]


class SubmitForm(forms.Form):
    accept_agreement = forms.BooleanField(
        label=_(
            "I have read and accept the seller agreement, including the deposit and fees "
            "shown for my shop type."
        ),
        error_messages={"required": _("You must accept the seller agreement to submit.")},
    )


# --- The running shop ---------------------------------------------------------------------------
class ShopProfileForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB; shown as 400 × 400 and 120 × 120."),
    )
    banner = forms.FileField(
        label=_("Banner"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at most 8 MB; shown as 1200 × 300."),
    )

    class Meta:
        model = Shop
        fields = list(services.shops.PROFILE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "service_channels": forms.Textarea(attrs={"rows": 2}),
            "return_policy": forms.Textarea(attrs={"rows": 5}),
            "shipping_policy": forms.Textarea(attrs={"rows": 5}),
        }


def role_descriptions():
    return [(role.label, ROLE_DESCRIPTIONS[role]) for role in Role]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# --- Admin --------------------------------------------------------------------------------------
class RejectApplicationForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ShopApplication.RejectionReason.choices)
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("What to correct. Required when the reason is “Other”."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == ShopApplication.RejectionReason.OTHER
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", _("Explain the reason in the note."))
        return cleaned


class ShopStateForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), choices=Shop.State.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown to the shop's owners and kept in the audit log."),
    )
