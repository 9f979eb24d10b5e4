from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from marketplace.accounts import forms, lockout, services
from marketplace.accounts.models import Address, ApiToken
from marketplace.core.pages import refusals


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_user(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            language=getattr(request, "LANGUAGE_CODE", ""),
            ip=client_ip(request),
        )
        # The same answer whether or not the address already had an account.
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup-done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(
        request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")}
    )


def verify_email(request, token):
    resend_form = forms.ResendVerificationForm()
    with refusals(form=resend_form) as outcome:
        services.verify_email(token=token)
    if not outcome.ok:
        return render(
            request,
            "accounts/verify_failed.html",
            {"message": outcome.error.message, "code": outcome.error.code, "form": resend_form},
            status=400,
        )
    messages.success(request, _("Thank you: your e-mail address is verified. Please sign in."))
    return redirect("accounts:login")


def resend_verification(request):
    form = forms.ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_verification(email=form.cleaned_data["email"])
        messages.info(
            request,
            _("If that address has an account waiting for verification, a new link is on its way."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_verification.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = self.request.user.preferred_language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django re-hashes the session: this browser stays signed in, every other session ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(
            self.request, _("Your password was changed. Other sessions were signed out.")
        )
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.QueuedPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset proves the owner holds the address: it also lifts a lock-out of the account (and
    the new password revokes every API token, `User.save`)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.lift_account_lock(form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def profile(request):
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        response = redirect("accounts:profile")
        if form.cleaned_data["preferred_language"]:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.cleaned_data["preferred_language"],
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
    return render(request, "accounts/profile.html", {"form": form})


@never_cache
@login_required
def api_tokens(request):
    """The user's API tokens, and a form for a new one whose key this answer shows once."""
    form = forms.ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        with refusals(form=form) as outcome:
            _token, new_key = services.issue_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        if outcome.ok:
            form = forms.ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": request.user.api_tokens.all(),
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:api-tokens")


@login_required
def address_list(request):
    addresses = request.user.addresses.all()
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@login_required
def address_edit(request, pk=None):
    address = get_object_or_404(Address, pk=pk, user=request.user) if pk else None
    form = forms.AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        is_default = data.pop("is_default", False)
        with refusals(form=form) as outcome:
            services.save_address(user=request.user, address=address, is_default=is_default, **data)
        if outcome.ok:
            messages.success(request, _("The address was saved."))
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request, pk):
    address = get_object_or_404(Address, pk=pk, user=request.user)
    services.delete_address(user=request.user, address=address)
    messages.success(request, _("The address was deleted."))
    return redirect("accounts:addresses")


@login_required
@require_POST
def address_make_default(request, pk):
    address = get_object_or_404(Address, pk=pk, user=request.user)
    services.set_default_address(user=request.user, address=address)
    return redirect("accounts:addresses")


def legal_document(request, document):
    templates = {
        "agreement": "legal/platform_agreement.html",
        "privacy": "legal/privacy_policy.html",
    }
    versions = {
        "agreement": settings.LEGAL_DOCUMENTS["platform_agreement"],
        "privacy": settings.LEGAL_DOCUMENTS["privacy_policy"],
    }
    if document not in templates:
        from django.http import Http404

        raise Http404
    return render(request, templates[document], {"version": versions[document]})
