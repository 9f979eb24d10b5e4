"""Django admin for platform staff, one module per concern (importing them registers them):

    applications   the review queue: applications, their documents, approve and reject
    shops          shops, their profile and their state changes
    staff          the people of a shop: memberships and invitations
    terms          the terms per shop type (reference data)

Actions are thin: they parse a form and call one service per object.
"""

from shops.admin import applications, shops, staff, terms  # noqa: F401
