"""The demo accounts that `seed_demo` creates and `make run` prints (no Django imports here)."""

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - a published demo password, never used in production

DEMO_LOGINS = [
    ("platform admin", "admin@demo.marketplace.local"),
    ("seller", "seller1@demo.marketplace.local"),
    ("seller", "seller2@demo.marketplace.local"),
    ("buyer", "buyer@demo.marketplace.local"),
    ("shop staff (customer service)", "staff1@demo.marketplace.local"),
    ("shop staff (product editor)", "staff2@demo.marketplace.local"),
    ("applicant (in review)", "applicant1@demo.marketplace.local"),
    ("applicant (rejected)", "applicant2@demo.marketplace.local"),
]
