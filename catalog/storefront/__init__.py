"""The storefront's read side of the catalog: what buyers and the public API read, kept fast.

    categories.py    the category tree and each category's attribute filters (cached)
    listings.py      products on sale, search, sorting, bounded pages, home rows
    product_page.py  one product on sale with its SKUs, images, specifications
    filters.py       the FilterSet of category pages, search and /api/v1/products/
    search.py        the tokenizer of the search index and of queries (Chinese as bigrams)
    search_log.py    searches that found nothing, counted per day
    cache.py         fragments keyed by the database-maintained storefront version
    seo.py           canonical URLs, meta descriptions, Open Graph, JSON-LD
    sitemaps.py      sitemap.xml

The pages themselves are `catalog.views.storefront`; the writes that keep the listing columns
and search vectors right are `catalog.services.listing`.
"""
