"""Seller-center pages of shops. Thin: parse, authorise (shops.scoping), call a service, render.

Every view here goes through `seller_view` (login, `request.shop`, role check, layout context);
objects named in URLs are fetched through the scoped helpers: the shop's own rows with
`get_for_shop_or_404`, the user's own applications with `selectors.get_application_of_user_or_404`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.core import notifications
from marketplace.core.pages import refusals
from marketplace.core.states import can_transition
from shops import forms, selectors, services
from shops.models import Invitation, Membership, ShopApplication
from shops.scoping import views as scoping
from shops.scoping.models import get_for_shop_or_404
from shops.scoping.views import seller_view
from shops.services.settlement import create_stripe_onboarding_link, stripe_configured


# --- Dashboard, shop switcher, notifications ----------------------------------------------------
@seller_view(section="dashboard")
def dashboard(request):
    shop = request.shop
    context = {
        "notifications": selectors.list_unread_notifications(request.user, limit=5),
        "staff_count": selectors.list_members(shop).count(),
    }
    return TemplateResponse(request, "shops/dashboard.html", context)


@require_POST
@seller_view(section=None)
def switch_shop(request):
    membership = scoping.switch_shop(request, slug=request.POST.get("shop", ""))
    messages.info(request, _("You are now working in %(shop)s.") % {"shop": membership.shop.name})
    return redirect("seller:dashboard")


@seller_view(section=None, shop_required=False)
def notification_list(request):
    page = Paginator(selectors.list_notifications(request.user), 20).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(request, "shops/notifications.html", {"page": page})


@require_POST
@seller_view(section=None, shop_required=False)
def notification_read(request, notification_id):
    target = get_object_or_404(selectors.list_notifications(request.user), pk=notification_id)
    notifications.mark_read(user=request.user, notification_id=target.pk)
    if target.link.startswith("/") and not target.link.startswith("//"):
        return redirect(target.link)
    return redirect("seller:notifications")


@require_POST
@seller_view(section=None, shop_required=False)
def notification_read_all(request):
    notifications.mark_read(user=request.user)
    return redirect("seller:notifications")


# --- Opening a shop: the application wizard -----------------------------------------------------
STEPS = [
    ("type", gettext_lazy("Shop type"), forms.TypeStepForm),
    ("shop", gettext_lazy("Shop"), forms.ShopStepForm),
    ("business", gettext_lazy("Seller details"), forms.BusinessStepForm),
    ("contact", gettext_lazy("Contact"), forms.ContactStepForm),
    ("documents", gettext_lazy("Documents"), None),
    ("settlement", gettext_lazy("Settlement account"), forms.SettlementStepForm),
    ("submit", gettext_lazy("Review and submit"), None),
]
STEP_KEYS = [key for key, _label, _form in STEPS]


def _next_step(step: str) -> str | None:
    index = STEP_KEYS.index(step)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None


def _step_url(application, step):
    return reverse("seller:application-step", args=[application.pk, step])


@seller_view(section=None, shop_required=False)
def open_shop(request):
    """'Open a shop': the terms per type, the application in progress, or a new one."""
    open_application = selectors.get_open_application(request.user)
    form = forms.StartApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(form=form) as outcome:
            application = services.start_application(
                applicant=request.user, shop_type=form.cleaned_data["shop_type"], request=request
            )
        if outcome.ok:
            return redirect(_step_url(application, "shop"))
        if open_application is not None:  # the form is not shown then: say it above
            messages.error(request, outcome.error.message)
    context = {
        "form": form,
        "terms": selectors.list_shop_type_terms(),
        "open_application": open_application,
        "applications": selectors.list_applications_of(request.user)[:10],
        "required_documents": _required_documents_by_type(),
    }
    return TemplateResponse(
        request, "shops/open_shop.html", context, status=400 if form.errors else 200
    )


def _required_documents_by_type():
    from shops.models import REQUIRED_DOCUMENTS, DocumentKind, ShopType

    return {
        shop_type: [" / ".join(str(DocumentKind(k).label) for k in group) for group in groups]
        for shop_type, groups in REQUIRED_DOCUMENTS.items()
        if shop_type in ShopType.values
    }


@seller_view(section=None, shop_required=False)
def application_detail(request, application_id):
    application = selectors.get_application_of_user_or_404(user=request.user, pk=application_id)
    context = {
        "application": application,
        "history": selectors.application_history(application),
        "missing": services.missing_items(application) if application.is_editable else [],
        "can_withdraw": can_transition(application, ShopApplication.State.WITHDRAWN),
        "steps": STEPS,
    }
    return TemplateResponse(request, "shops/application_detail.html", context)


@seller_view(section=None, shop_required=False)
def application_step(request, application_id, step):
    application = selectors.get_application_of_user_or_404(user=request.user, pk=application_id)
    if step not in STEP_KEYS:
        raise Http404
    if not application.is_editable:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("seller:application-detail", application.pk)
    if step == "documents":
        return _documents_step(request, application)
    if step == "submit":
        return _submit_step(request, application)
    form_class = {key: form for key, _label, form in STEPS}[step]
    form = form_class(request.POST or None, request.FILES or None, application=application)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save(actor=request.user, request=request)
    ):
        messages.success(request, _("Saved as a draft."))
        if "save" in request.POST:
            return redirect(_step_url(application, step))
        return redirect(_step_url(application, _next_step(step)))
    return _render_step(
        request, application, step, {"form": form}, status=400 if form.errors else 200
    )


def _render_step(request, application, step, context, status=200):
    context = {
        "application": application,
        "step": step,
        "steps": STEPS,
        "step_index": STEP_KEYS.index(step) + 1,
        "next_step": _next_step(step),
        "stripe_available": stripe_configured(),
        "terms": services.terms_for(application.shop_type),
        **context,
    }
    return TemplateResponse(request, "shops/application_step.html", context, status=status)


def _documents_step(request, application):
    form = forms.DocumentForm(request.POST or None, request.FILES or None, application=application)
    if request.method == "POST":
        if "continue" in request.POST and not request.FILES:
            return redirect(_step_url(application, "settlement"))
        if form.is_valid():
            with refusals(form=form) as outcome:
                services.add_document(
                    application=application,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    expires_on=form.cleaned_data["expires_on"],
                    request=request,
                )
            if outcome.ok:
                messages.success(request, _("Document uploaded."))
                return redirect(_step_url(application, "documents"))
    missing_documents = [
        message for field, message in services.missing_items(application) if field == "documents"
    ]
    return _render_step(
        request,
        application,
        "documents",
        {
            "form": form,
            "documents": application.documents.all(),
            "missing_documents": missing_documents,
        },
        status=400 if form.errors else 200,
    )


def _submit_step(request, application):
    form = forms.SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(form=form) as outcome:
            services.submit_application(
                application=application,
                actor=request.user,
                accept_agreement=True,
                request=request,
            )
        if outcome.ok:
            messages.success(
                request,
                _("Application submitted. We will let you know the decision here and by e-mail."),
            )
            return redirect("seller:application-detail", application.pk)
    return _render_step(
        request,
        application,
        "submit",
        {
            "form": form,
            "missing": services.missing_items(application),
            "documents": application.documents.all(),
        },
        status=400 if form.errors else 200,
    )


@seller_view(section=None, shop_required=False)
def application_document(request, application_id, document_id):
    document = selectors.get_document_of_user_or_404(
        user=request.user, application_pk=application_id, pk=document_id
    )
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@seller_view(section=None, shop_required=False)
def application_document_delete(request, application_id, document_id):
    document = selectors.get_document_of_user_or_404(
        user=request.user, application_pk=application_id, pk=document_id
    )
    with refusals(request) as outcome:
        services.remove_document(
            application=document.application,
            actor=request.user,
            document=document,
            request=request,
        )
    if outcome.ok:
        messages.success(request, _("Document removed."))
    return redirect(_step_url(document.application, "documents"))


@require_POST
@seller_view(section=None, shop_required=False)
def application_withdraw(request, application_id):
    application = selectors.get_application_of_user_or_404(user=request.user, pk=application_id)
    with refusals(request) as outcome:
        services.withdraw_application(application=application, actor=request.user, request=request)
    if outcome.ok:
        messages.success(request, _("The application was withdrawn."))
    return redirect("seller:open-shop")


@require_POST
@seller_view(section=None, shop_required=False)
def application_stripe(request, application_id):
    application = selectors.get_application_of_user_or_404(user=request.user, pk=application_id)
    back = request.build_absolute_uri(_step_url(application, "settlement"))
    with refusals(request) as outcome:
        url = create_stripe_onboarding_link(
            application=application,
            actor=request.user,
            return_url=back,
            refresh_url=back,
            request=request,
        )
    if outcome.ok:
        return redirect(url)
    return redirect(_step_url(application, "settlement"))


# --- The running shop ---------------------------------------------------------------------------
@seller_view(section="shop_profile")
def shop_profile(request):
    shop = request.shop
    form = forms.ShopProfileForm(request.POST or None, request.FILES or None, instance=shop)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with refusals(form=form) as outcome:
            services.update_shop_profile(
                shop=shop,
                actor=request.user,
                logo=form.cleaned_data.get("logo"),
                banner=form.cleaned_data.get("banner"),
                request=request,
                **data,
            )
        if outcome.ok:
            messages.success(request, _("The shop profile is saved."))
            return redirect("seller:shop-profile")
    return TemplateResponse(
        request, "shops/shop_profile.html", {"form": form}, status=400 if form.errors else 200
    )


@seller_view(section="staff")
def staff(request):
    shop = request.shop
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(form=form) as outcome:
            services.invite_staff(
                shop=shop,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        if outcome.ok:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("seller:staff")
    context = {
        "form": form,
        "members": selectors.list_members(shop),
        "invitations": selectors.list_pending_invitations(shop),
        "role_form": forms.RoleForm(),
        "roles": forms.role_descriptions(),
    }
    return TemplateResponse(
        request, "shops/staff.html", context, status=400 if form.errors else 200
    )


@require_POST
@seller_view(section="staff")
def staff_role(request, membership_id):
    membership = get_for_shop_or_404(Membership, shop=request.shop, pk=membership_id)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("seller:staff")
    with refusals(request) as outcome:
        services.change_role(
            shop=request.shop,
            actor=request.user,
            membership=membership,
            role=form.cleaned_data["role"],
            request=request,
        )
    if outcome.ok:
        messages.success(request, _("Role changed."))
    return redirect("seller:staff")


@require_POST
@seller_view(section="staff")
def staff_remove(request, membership_id):
    membership = get_for_shop_or_404(Membership, shop=request.shop, pk=membership_id)
    with refusals(request) as outcome:
        services.remove_member(
            shop=request.shop, actor=request.user, membership=membership, request=request
        )
    if outcome.ok:
        messages.success(
            request, _("%(email)s no longer works in this shop.") % {"email": membership.user.email}
        )
        scoping.forget_memberships(request)
    return redirect("seller:staff")


@require_POST
@seller_view(section="staff")
def invitation_revoke(request, invitation_id):
    invitation = get_for_shop_or_404(Invitation, shop=request.shop, pk=invitation_id)
    with refusals(request) as outcome:
        services.revoke_invitation(
            shop=request.shop, actor=request.user, invitation=invitation, request=request
        )
    if outcome.ok:
        messages.success(request, _("Invitation revoked."))
    return redirect("seller:staff")


@seller_view(section=None, shop_required=False)
def accept_invitation(request, token):
    invitation = services.get_pending_invitation(token)
    if invitation is None or invitation.email != request.user.email:
        raise Http404
    if request.method == "POST":
        with refusals(request) as outcome:
            membership = services.accept_invitation(token=token, user=request.user, request=request)
        if not outcome.ok:
            return redirect("seller:dashboard")
        scoping.forget_memberships(request)
        scoping.switch_shop(request, slug=membership.shop.slug)
        messages.success(request, _("Welcome to %(shop)s.") % {"shop": membership.shop.name})
        return redirect("seller:dashboard")
    return TemplateResponse(request, "shops/accept_invitation.html", {"invitation": invitation})


@seller_view(section="activity")
def activity(request):
    page = Paginator(selectors.list_activity(request.shop), 30).get_page(request.GET.get("page"))
    return TemplateResponse(request, "shops/activity.html", {"page": page})
