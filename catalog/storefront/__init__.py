"""The storefront's read side of the catalog: what buyers and the public API read, kept fast.

    categories.py    the category tree and each category's attribute filters (cached)
    listings.py      products on sale, search, sorting, bounded pages, home rows
    product_page.py  one product on sale with its SKUs, images, specifications (one query)
    filters.py       the FilterSet of category pages, search and /api/v1/products/, the plain
                     list that skips it, and the filter panel's data
    cards.py         product cards of lists, written in Python from the listing columns
    list_parts.py    the toolbar (count, sort) and pagination of lists, likewise
    shell.py         the cached layout and list frames, filled per page through slots
    search.py        the tokenizer of the search index and of queries (Chinese as bigrams)
    search_log.py    searches that found nothing, counted per day
    cache.py         fragments keyed by the database-maintained storefront version
    seo.py           canonical URLs, meta descriptions, Open Graph, JSON-LD, the head tags
    sitemaps.py      sitemap.xml

The pages themselves are `catalog.views.storefront`; the writes that keep the listing columns
and search vectors right are `catalog.services.listing`.
"""
