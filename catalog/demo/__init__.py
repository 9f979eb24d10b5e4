"""Demo catalogue for `manage.py seed_demo` (idempotent: it creates only what is missing).

About 300 bilingual products in the three demo shops — tea in Jade Tea House, tea ware in Li Wei
Handmade, skin care and fragrance in the Lumière flagship store — on a category tree with
attribute templates, with variants, stock received through the ledger, a few weeks of sales,
a few SKUs under their warning line, and pictures drawn with Pillow.

Fast: rows are bulk-created, stock goes through `catalog.services.inventory` in a handful of
multi-line calls (one conditional UPDATE and one ledger INSERT each), and the listing columns and
search vectors are computed by `refresh_listings` in batches. The pictures (a few dozen) are
drawn once and shared between products.

    categories.py  the category tree with its attribute templates
    products.py    what each demo shop sells, as items with variants, prices and specifications
    pictures.py    the product pictures, drawn with Pillow and stored once
    stock.py       stock received through the ledger and a few weeks of sales
    seeding.py     `seed_demo`: puts it all in the database
"""

from catalog.demo.products import CODE_PREFIX
from catalog.demo.seeding import seed_demo

__all__ = ["CODE_PREFIX", "seed_demo"]
