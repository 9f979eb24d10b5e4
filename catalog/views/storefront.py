"""Storefront pages of the catalog: home, categories, search and the product page.

Each page is one cached fragment (`catalog.storefront.cache`): its title, its head tags (meta,
canonical, Open Graph, JSON-LD) and its body, rendered **without** the request so that nothing
personal (user, CSRF token) is ever cached. The layout around it (header, account menu, cart
badge, language switcher) is rendered per request for visitors with a session, and comes from
the cache for everyone else (`catalog.storefront.shell`). A cache hit costs one query (the
storefront version); a miss runs a fixed handful whatever the page size.

The product page's purchase form needs a CSRF token: its cached HTML carries a placeholder that
is replaced by this visitor's token on the way out.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.storefront import listings, product_page, search_log, seo, shell
from catalog.storefront.cache import cached
from catalog.storefront.categories import category_tree
from catalog.storefront.filters import (
    MAX_QUERY_LENGTH,
    SORT_CHOICES,
    SORTS,
    ProductFilter,
    cache_params,
    filter_panel,
    product_list,
)
from catalog.storefront.product_page import stock_state
from catalog.text import sanitize_description
from marketplace.core.money import format_amount

PAGE_TEMPLATE = "catalog/page.html"
CSRF_PLACEHOLDER = "__storefront_csrf_token__"
# Parameters that narrow a search beyond the words typed: with any of them, an empty result is
# not a gap in the catalogue and is not logged.
NARROWING = {"price_min", "price_max", "shop", "in_stock", "rating_min"}


def _page(*, title: str, body: str, meta: str = "", status: int = 200, **extra) -> dict:
    return {
        "title": title,
        # Both rendered from our own templates, autoescaped.
        "body": mark_safe(body),  # noqa: S308
        "meta": mark_safe(meta),  # noqa: S308
        "status": status,
        **extra,
    }  # noqa: S308 - our own rendered templates


def _stateless_visitor(request) -> bool:
    """A visitor whose page is every other such visitor's but for the CSRF token: not signed in,
    no session (so no cart and no messages in it), no flash-message cookie."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _respond(request, page: dict, *, template: str = PAGE_TEMPLATE):
    """The page in its layout. Stateless visitors get the cached layout filled with the page
    (`catalog.storefront.shell`, a CSRF placeholder where the token goes); everyone else gets
    the layout rendered for them around the cached page."""
    if _stateless_visitor(request):
        html = shell.fill(shell.layout(request, template, CSRF_PLACEHOLDER), page, request)
    else:
        html = render_to_string(template, {"page": page}, request=request)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(html, status=page.get("status", 200))


def _meta(*, json_ld=(), **tags) -> str:
    return seo.meta_tags(documents=json_ld, **tags)


def _listing_params(request) -> dict:
    return {
        "page": listings.page_number_of(request.GET.get("page")),
        "page_size": listings.page_size_of(request.GET.get("per_page")),
    }


def _filters_active(request) -> bool:
    """Does the query narrow the list beyond a category and the words searched?"""
    return any(request.GET.get(name) for name in NARROWING) or any(
        key.startswith("attr_") for key in request.GET
    )


def _query_string(request, **changes) -> str:
    """The current query string with `changes` applied (None removes a parameter)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _page_links(request, listing: listings.ListingPage) -> list[dict]:
    links = []
    for number in listing.page_range():
        if number is None:
            links.append({"gap": True})
        else:
            links.append(
                {
                    "number": number,
                    "url": _query_string(request, page=None if number == 1 else str(number)),
                    "current": number == listing.number,
                }
            )
    return links


def _pagination(request, listing: listings.ListingPage) -> dict:
    return {
        "links": _page_links(request, listing),
        "previous": _query_string(
            request,
            page=None if listing.previous_page_number <= 1 else str(listing.previous_page_number),
        )
        if listing.has_previous
        else "",
        "next": _query_string(request, page=str(listing.next_page_number))
        if listing.has_next
        else "",
    }


# --- Home ----------------------------------------------------------------------------------------
def home(request):
    page = cached(request, "home", (), lambda: _build_home(request))
    return _respond(request, page, template="catalog/home_page.html")


def _build_home(request) -> dict:
    tree = category_tree(request)
    context = {
        "categories": tree.roots,
        "new_arrivals": listings.new_arrivals(),
        "best_sellers": listings.best_sellers(),
    }
    meta = _meta(
        description=_("Shop from thousands of independent stores with one cart."),
        canonical=seo.absolute_url(reverse("home")),
        og_type="website",
        og_title=_("Marketplace"),
    )
    body = render_to_string("catalog/home.html", context)
    return _page(title=_("Marketplace: thousands of shops, one cart"), meta=meta, body=body)


# --- Categories ----------------------------------------------------------------------------------
def category_list(request):
    page = cached(request, "categories", (), lambda: _build_category_list(request))
    return _respond(request, page)


def _build_category_list(request) -> dict:
    tree = category_tree(request)
    meta = _meta(
        description=_("Every category of the marketplace."),
        canonical=seo.absolute_url(reverse("category-list")),
        og_type="website",
        og_title=_("All categories"),
    )
    body = render_to_string("catalog/category_list.html", {"categories": tree.roots})
    return _page(title=_("All categories"), meta=meta, body=body)


def category_detail(request, slug):
    node = category_tree(request).get(slug)
    if node is None:
        raise Http404(_("No such category."))
    key = (node.id, cache_params(request.GET))
    page = cached(request, "category", key, lambda: _build_category(request, node), tier="page")
    return _respond(request, page)


def _frame_params(request, **overrides) -> tuple:
    """What shapes a list page's frame and its count: the filters, not the page or a known sort
    (a sort that is not one shows its error in the filter panel, so it keeps its own frame)."""
    return tuple(
        (key, value)
        for key, value in cache_params(request.GET, **overrides)
        if key != "page" and not (key == "sort" and len(value) == 1 and value[0] in SORTS)
    )


def _build_category(request, node) -> dict:
    filterset = product_list(request.GET, request=request, category=node)
    params = _listing_params(request)
    frame_key = (node.id, _frame_params(request))
    counted = cached(
        request,
        "category-count",
        frame_key,
        lambda: listings.count(filterset.qs, params["page_size"]),
        per_language=False,
    )
    try:
        listing = listings.paginate(
            filterset.qs, number=params["page"], page_size=params["page_size"], counted=counted
        )
    except listings.PageOutOfRange as error:
        raise Http404(_("There is no such page.")) from error
    trail = filterset.tree.trail(node)
    path = node.get_absolute_url()
    page_suffix = f"?page={listing.number}" if listing.number > 1 else ""
    filtered = any(key not in ("page",) for key in request.GET)
    pagination = _pagination(request, listing)
    results = render_to_string(
        "catalog/_category_results.html",
        {
            "listing": listing,
            "pagination": pagination,
            "base_url": path,
            "sort_choices": [c for c in SORT_CHOICES if c[0] != listings.Sort.RELEVANCE],
            "sort_value": filterset.sort_value,
            "clear_url": path,
        },
    )
    frame = shell.frame(
        request,
        "category-frame",
        frame_key,
        lambda: render_to_string(
            "catalog/category.html",
            {
                "node": node,
                "trail": trail,
                "panel": filter_panel(filterset, request),
                "category_node": node,
                "shops": cached(
                    request,
                    "category-shops",
                    node.id,
                    lambda: listings.top_shops(
                        listings.in_category(listings.live_products(), node)
                    ),
                    per_language=False,
                ),
                "filters_active": _filters_active(request),
                "clear_url": path,
                "results": shell.slot("results"),
            },
        ),
    )
    title = (
        node.name
        if listing.number == 1
        else _("%(name)s – page %(page)d")
        % {
            "name": node.name,
            "page": listing.number,
        }
    )
    meta = _meta(
        description=_("%(name)s from independent shops: compare prices, filter and buy.")
        % {"name": node.name},
        canonical=seo.absolute_url(path + page_suffix),
        robots="noindex,follow" if filtered else "",
        og_type="website",
        og_title=node.name,
        json_ld=[
            seo.breadcrumb_ld(
                [(_("Home"), reverse("home"))]
                + [(item.name, item.get_absolute_url()) for item in trail]
            )
        ],
        prev_url=seo.absolute_url(path + pagination["previous"])
        if listing.has_previous and not filtered
        else "",
        next_url=seo.absolute_url(path + f"?page={listing.next_page_number}")
        if listing.has_next and not filtered
        else "",
    )
    body = shell.join(frame, {"results": results})
    return _page(title=title, meta=meta, body=body)


# --- Search --------------------------------------------------------------------------------------
def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    key = cache_params(request.GET, q=query)
    page = cached(request, "search", key, lambda: _build_search(request, query), tier="page")
    if page.get("zero_results") and listings.page_number_of(request.GET.get("page")) == 1:
        search_log.record_zero_result_search(query, category_id=page.get("category_id"))
    return _respond(request, page)


def _build_search(request, query: str) -> dict:
    data = request.GET.copy()
    data["q"] = query
    filterset = product_list(data, request=request)
    params = _listing_params(request)
    clear_url = reverse("search") + (
        _query_string(request, **{k: None for k in request.GET if k != "q"}) if query else ""
    )
    zero_results = False
    results = ""
    if query:
        counted = cached(
            request,
            "search-count",
            _frame_params(request, q=query),
            lambda: listings.count(filterset.qs, params["page_size"]),
            per_language=False,
            tier="page",  # one per set of words: the long tail
        )
        products = filterset.qs
        if counted[1] and filterset.sort_value == listings.Sort.RELEVANCE:
            products = listings.rank_among_best_sellers(products, params["page_size"])
        try:
            listing = listings.paginate(
                products, number=params["page"], page_size=params["page_size"], counted=counted
            )
        except listings.PageOutOfRange as error:
            raise Http404(_("There is no such page.")) from error
        fuzzy = False
        if not listing.total and filterset.is_valid() and listings.typo_tolerance_available():
            fuzzy_listing = _fuzzy_listing(request, query, filterset, params)
            if fuzzy_listing is not None and fuzzy_listing.total:
                listing, fuzzy = fuzzy_listing, True
        narrowed = _filters_active(request)
        zero_results = not listing.total and not narrowed and filterset.is_valid()
        results = render_to_string(
            "catalog/_search_results.html",
            {
                "query": query,
                "listing": listing,
                "fuzzy": fuzzy,
                "pagination": _pagination(request, listing),
                "base_url": reverse("search"),
                "sort_choices": SORT_CHOICES,
                "sort_value": filterset.sort_value,  # known once the search has run
            },
        )
    # The frame is every query's: the words go into its slots.
    frame = shell.frame(
        request,
        "search-frame",
        (bool(query), _frame_params(request, q="")),
        lambda: render_to_string(
            "catalog/search.html",
            {
                "query": shell.slot("query") if query else "",
                "panel": filter_panel(filterset, request),
                "category_node": filterset.category_node,
                "filters_active": _filters_active(request),
                "clear_url": shell.slot("clear"),
                "categories": filterset.tree.roots,
                "results": shell.slot("results"),
            },
        ),
    )
    body = shell.join(
        frame, {"query": escape(query), "clear": escape(clear_url), "results": results}
    )
    title = _("“%(query)s” – search") % {"query": query} if query else _("Search")
    meta = _meta(
        description=_("Search thousands of shops at once."),
        canonical=seo.absolute_url(reverse("search")),
        robots="noindex,follow",
    )
    node = filterset.category_node
    return _page(
        title=title,
        meta=meta,
        body=body,
        zero_results=zero_results,
        category_id=node.id if node else None,
    )


def _fuzzy_listing(request, query, filterset: ProductFilter, params: dict):
    """The same filters without the words, matched by similar words instead (pg_trgm)."""
    data = filterset.data.copy()
    data.pop("q", None)
    others = ProductFilter(data, request=request)
    try:
        return listings.paginate(
            listings.fuzzy_matches(others.qs, query),
            number=params["page"],
            page_size=params["page_size"],
        )
    except listings.PageOutOfRange:
        return None


# --- Product page --------------------------------------------------------------------------------
def stock_label(stock: int) -> str:
    state = stock_state(stock)
    if state == "out":
        return _("Sold out")
    if state == "low":
        return ngettext("Only %(n)d left", "Only %(n)d left", stock) % {"n": stock}
    return _("In stock")


def _cart_add_url() -> str:
    """The cart's "add" endpoint (orders chapter), when it is mounted."""
    try:
        return reverse("cart-add")
    except NoReverseMatch:
        return ""


def product_redirect(request, pk):
    entry = cached(request, "product", pk, lambda: _build_product(request, pk), tier="page")
    if entry.get("missing"):
        raise Http404(_("This product is not on sale."))
    return HttpResponsePermanentRedirect(entry["url"])


def product_detail(request, pk, slug):
    entry = cached(request, "product", pk, lambda: _build_product(request, pk), tier="page")
    if entry.get("missing"):
        raise Http404(_("This product is not on sale."))
    if slug != entry["slug"]:
        return HttpResponsePermanentRedirect(entry["url"])
    return _respond(request, entry)


def _build_product(request, pk) -> dict:
    data = product_page.load(pk, request=request)
    if data is None:
        return {"missing": True}
    product = data.product
    tree = category_tree(request)
    url = listings.product_url(product.pk, product.slug)
    node = tree.by_id.get(product.category_id)
    trail = tree.trail(node) if node else []
    images = data.images
    image_urls = [seo.media_url(image.detail_size) for image in images]
    description = product.meta_description or seo.plain_description(product.description)
    skus = [
        {
            "id": sku.pk,
            "code": sku.code,
            "options": {str(k): str(v) for k, v in (sku.options or {}).items()},
            "label": sku.option_label or sku.code,
            "price_display": format_amount(sku.price, product.currency),
            "state": stock_state(sku.stock),
            "state_label": stock_label(sku.stock),
        }
        for sku in data.skus
    ]
    selected = next((sku for sku in skus if sku["state"] != "out"), skus[0] if skus else None)
    dimensions = []
    for name in product.variant_dimensions or []:
        values = list(dict.fromkeys(sku["options"].get(str(name), "") for sku in skus))
        dimensions.append({"name": str(name), "values": [v for v in values if v]})
    context = {
        "product": product,
        "shop": product.shop,
        "trail": trail,
        "images": images,
        "skus": skus,
        "selected_sku": selected["id"] if selected else None,
        "selected_state": selected["state"] if selected else "out",
        "selected_state_label": selected["state_label"] if selected else stock_label(0),
        "dimensions": dimensions,
        "specs": data.specs,
        "description": mark_safe(sanitize_description(product.description)),  # noqa: S308 - sanitised
        "more_from_shop": data.more_from_shop,
        "cart_add_url": _cart_add_url(),
        "csrf_placeholder": CSRF_PLACEHOLDER,
        "variant_data": [
            {key: sku[key] for key in ("id", "options", "price_display", "state", "state_label")}
            for sku in skus
        ],
    }
    title = product.meta_title or product.title
    meta = _meta(
        description=description,
        canonical=seo.absolute_url(url),
        og_type="product",
        og_title=title,
        og_image=seo.absolute_url(image_urls[0]) if image_urls else "",
        price=product.min_price,
        currency=product.currency,
        json_ld=[
            seo.product_ld(
                product=product,
                url=url,
                images=image_urls,
                skus=data.skus,
                description=description,
            ),
            seo.breadcrumb_ld(
                [(_("Home"), reverse("home"))]
                + [(item.name, item.get_absolute_url()) for item in trail]
                + [(product.title, url)]
            ),
        ],
    )
    body = render_to_string("catalog/product_detail.html", context)
    return _page(title=title, meta=meta, body=body, url=url, slug=product.slug or "item")
