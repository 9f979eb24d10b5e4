import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.accounts import services, tasks
from marketplace.accounts.models import Address, User, normalize_email


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the platform user agreement and the privacy policy."),
        error_messages={"required": _("You must accept the agreement and privacy policy.")},
    )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """E-mail and password. The field stays named `username` (django-axes counts failures by it)."""

    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct."),
        "inactive": _("The e-mail address or password is not correct."),
        "unverified": _("Please verify your e-mail address first: we have sent you a new link."),
    }

    def clean_username(self):
        return normalize_email(self.cleaned_data["username"])

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            user_id = user.pk
            transaction.on_commit(lambda: tasks.send_verification_email.delay(user_id))
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))

    def apply_domain_error(self, error) -> None:
        """Under a refused verification link this form is offered empty, and the page states the
        refusal above it (`refusals(form=...)` calls this; an unbound form carries no errors)."""


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail goes out from a Celery task after commit, which also
    looks the address up (`services.request_password_reset`)."""

    def save(self, *args, **kwargs):
        services.request_password_reset(email=self.cleaned_data["email"])


def time_zone_choices():
    zones = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [("", _("Platform default (%(zone)s)") % {"zone": settings.TIME_ZONE})] + [
        (zone, zone) for zone in zones
    ]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)

    class Meta:
        model = User
        fields = ["display_name", "phone", "preferred_language", "time_zone"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "")
        if phone and not phone.lstrip("+").isdigit():
            raise forms.ValidationError(_("Enter digits only, optionally starting with +."))
        return phone


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("api token", "Name"),
        max_length=60,
        help_text=_("What the token is for, e.g. ERP or phone."),
    )


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "detail",
            "postcode",
            "is_default",
        ]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if not phone.lstrip("+").isdigit() or len(phone) < 5:
            raise forms.ValidationError(_("Enter a valid phone number."))
        return phone

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not postcode.replace(" ", "").replace("-", "").isalnum():
            raise forms.ValidationError(_("Enter a valid postcode."))
        return postcode
