"""Writes of the shops chapter: the only place its business rules change data (DESIGN §1).

Split by sub-domain; import from here.
"""

from shops.services.applications import (
    add_document,
    allowed_document_kinds,
    approve_application,
    missing_items,
    reject_application,
    remove_document,
    set_application_logo,
    start_application,
    submit_application,
    terms_for,
    update_application,
    withdraw_application,
)
from shops.services.naming import clean_shop_name, normalize_shop_name
from shops.services.shops import (
    change_shop_state,
    follow_shop,
    open_shop_from_application,
    unfollow_shop,
    update_shop_profile,
)
from shops.services.staff import (
    accept_invitation,
    change_role,
    get_pending_invitation,
    invite_staff,
    remove_member,
    revoke_invitation,
)

__all__ = [
    "accept_invitation",
    "add_document",
    "allowed_document_kinds",
    "approve_application",
    "change_role",
    "change_shop_state",
    "clean_shop_name",
    "follow_shop",
    "get_pending_invitation",
    "invite_staff",
    "missing_items",
    "normalize_shop_name",
    "open_shop_from_application",
    "reject_application",
    "remove_document",
    "remove_member",
    "revoke_invitation",
    "set_application_logo",
    "start_application",
    "submit_application",
    "terms_for",
    "unfollow_shop",
    "update_application",
    "update_shop_profile",
    "withdraw_application",
]
