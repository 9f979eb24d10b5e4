"""Celery tasks of shops: thin wrappers that re-read by id and call mail/services."""

from django.urls import reverse
from django.utils import timezone

from marketplace.core.mail import absolute_url, send_templated_mail
from marketplace.core.tasks import retrying_task


@retrying_task
def send_staff_invitation(invitation_id: int, token: str) -> bool:
    from shops.models import Invitation

    invitation = (
        Invitation.objects.select_related("shop", "invited_by")
        .filter(
            pk=invitation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        return False
    send_templated_mail(
        template="emails/shops/staff_invitation",
        context={
            "invitation": invitation,
            "shop": invitation.shop,
            "inviter": invitation.invited_by,
            "link": absolute_url(reverse("seller:accept-invitation", args=[token])),
        },
        to=[invitation.email],
    )
    return True
