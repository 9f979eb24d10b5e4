"""Demo shops for `manage.py seed_demo` (idempotent: it creates only what is missing).

Three active shops, one of each main type, opened the real way (application → review →
approval, so the audit log and notifications are there too): seller1 owns two shops (the switcher
shows), seller2 the flagship; staff1 works in customer service and staff2 edits products; one
application waits in the review queue and one was rejected. Logos and banners are drawn with
Pillow.

    specs      who applies for what: the shops, the application in review, the rejected one
    pictures   logos and banners drawn with Pillow
    seed       the walk through the services, and the platform's reviewer group
"""

from shops.demo.seed import seed_demo

__all__ = ["seed_demo"]
