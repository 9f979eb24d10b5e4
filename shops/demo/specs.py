"""What the demo seeds: the shops (with their owners and staff), the application waiting in
review and the rejected one. Users are created by `seed_demo` in marketplace.core."""

from shops.roles import Role

# Every qualification document of the demo: a minimal valid PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

SHOPS = [
    {
        "owner": "seller1@demo.marketplace.local",
        "shop_type": "individual",
        "shop_name": "Li Wei Handmade",
        "colors": ((46, 125, 50), (200, 230, 201)),
        "initials": "LW",
        "description": "Hand-thrown tea cups and bowls from a small studio in Jingdezhen.",
        "main_categories": ["home"],
        "legal_name": "Li Wei",
        "id_number": "110101199003070012",
        "documents": ["identity"],
        "staff": [],
    },
    {
        "owner": "seller1@demo.marketplace.local",
        "shop_type": "enterprise",
        "shop_name": "Jade Tea House",
        "colors": ((0, 105, 92), (178, 223, 219)),
        "initials": "JT",
        "description": "Longjing, Biluochun and Pu'er straight from the gardens around Hangzhou.",
        "main_categories": ["food"],
        "legal_name": "Hangzhou Jade Tea Trading Co., Ltd.",
        "credit_code": "91330106MA2H3JT01X",
        "legal_representative": "Li Wei",
        "business_address": "88 Longjing Road, Xihu District, Hangzhou",
        "business_scope": "Retail of tea, tea ware and packaged food.",
        "documents": ["business_licence"],
        "staff": [
            ("staff1@demo.marketplace.local", Role.CUSTOMER_SERVICE),
            ("staff2@demo.marketplace.local", Role.PRODUCT_EDITOR),
        ],
    },
    {
        "owner": "seller2@demo.marketplace.local",
        "shop_type": "flagship",
        "shop_name": "Lumière Official Flagship",
        "colors": ((49, 27, 146), (209, 196, 233)),
        "initials": "L",
        "description": "The official store of Lumière: skin care made in Grasse.",
        "main_categories": ["beauty"],
        "brand_name": "Lumière",
        "legal_name": "Lumière Cosmetics (Shanghai) Co., Ltd.",
        "credit_code": "91310115MA1LUM0001",
        "legal_representative": "Emma Clark",
        "business_address": "1000 Lujiazui Ring Road, Pudong, Shanghai",
        "business_scope": "Import and retail of cosmetics.",
        "documents": ["business_licence", "trademark_registration"],
        "staff": [("staff2@demo.marketplace.local", Role.MANAGER)],
    },
]

PENDING = {
    "owner": "applicant1@demo.marketplace.local",
    "shop_type": "authorised",
    "shop_name": "Sunrise Outdoor Authorised",
    "colors": ((230, 81, 0), (255, 224, 178)),
    "initials": "SO",
    "description": "Authorised reseller of Sunrise tents and backpacks.",
    "main_categories": ["sports"],
    "brand_name": "Sunrise",
    "legal_name": "Chengdu Sunrise Outdoor Co., Ltd.",
    "credit_code": "91510100MA6SUN0002",
    "legal_representative": "Zhou Yang",
    "business_address": "12 Tianfu Avenue, Chengdu",
    "documents": ["business_licence", "brand_authorisation"],
}
REJECTED = {
    "owner": "applicant2@demo.marketplace.local",
    "shop_type": "individual",
    "shop_name": "Granny Wu's Pickles",
    "colors": ((121, 85, 72), (215, 204, 200)),
    "initials": "W",
    "description": "Home-made pickled vegetables from Sichuan.",
    "main_categories": ["food"],
    "legal_name": "Wu Lan",
    "id_number": "510104195505050023",
    "documents": ["identity"],
    "rejection": (
        "category_not_allowed",
        "Selling food needs a food business licence; "
        "apply as an enterprise shop with the licence attached.",
    ),
}
