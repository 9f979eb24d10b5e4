"""The storefront's category tree and each category's attribute filters, as buyers see them (in
the active language), built once per storefront version and kept in the storefront cache
(`catalog.storefront.cache`): no query when cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import translation

from catalog.models import AttributeDefinition, AttributeType, Category
from catalog.storefront.cache import cached, memoised


def _in_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


# --- Category tree (cached per storefront version) -----------------------------------------------
@dataclass
class CategoryNode:
    """A category as the storefront shows it; `name` is in the active language."""

    id: int
    parent_id: int | None
    slug: str
    name_en: str
    name_zh: str
    path: str
    depth: int
    is_leaf: bool
    url: str = ""
    children: list[CategoryNode] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        if _in_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    label = name

    def get_absolute_url(self) -> str:
        return self.url or reverse("category-detail", args=[self.slug])

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


@dataclass
class CategoryTree:
    roots: list[CategoryNode]
    by_id: dict[int, CategoryNode]
    by_slug: dict[str, CategoryNode]

    def trail(self, node: CategoryNode) -> list[CategoryNode]:
        """From the root down to `node` (inclusive)."""
        return [self.by_id[pk] for pk in node.ancestor_ids if pk in self.by_id] or [node]

    def get(self, slug: str) -> CategoryNode | None:
        return self.by_slug.get(slug or "")


def _build_tree() -> CategoryTree:
    rows = Category.objects.order_by("depth", "position", "name", "id").values(
        "id", "parent_id", "slug", "name", "name_zh", "path", "depth", "is_leaf", "is_active"
    )
    by_id: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for row in rows:
        # Ordered by depth: a parent is seen before its children; a closed parent hides them.
        if not row["is_active"]:
            continue
        parent = by_id.get(row["parent_id"]) if row["parent_id"] else None
        if row["parent_id"] and parent is None:
            continue
        node = CategoryNode(
            id=row["id"],
            parent_id=row["parent_id"],
            slug=row["slug"],
            name_en=row["name"],
            name_zh=row["name_zh"],
            path=row["path"],
            depth=row["depth"],
            is_leaf=row["is_leaf"],
            url=reverse("category-detail", args=[row["slug"]]),
        )
        by_id[node.id] = node
        (parent.children if parent else roots).append(node)
    return CategoryTree(roots=roots, by_id=by_id, by_slug={n.slug: n for n in by_id.values()})


def category_tree(request=None) -> CategoryTree:
    """Every open category (under open parents), in menu order. No query when cached."""
    return memoised(
        request, "tree", lambda: cached(request, "tree", (), _build_tree, per_language=False)
    )


def menu_categories(request=None) -> list[CategoryNode]:
    return category_tree(request).roots


# --- Attribute filters (cached per category) -----------------------------------------------------
@dataclass(frozen=True)
class AttributeFilter:
    """A filterable spec parameter of a category, with its choices in both languages."""

    code: str
    name_en: str
    name_zh: str
    type: str
    unit: str
    choices: tuple[tuple[str, str, str], ...]

    @property
    def name(self) -> str:
        if _in_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        chinese = _in_chinese()
        return [(value, (zh or en) if chinese else (en or zh)) for value, en, zh in self.choices]

    @property
    def is_multi(self) -> bool:
        return self.type == AttributeType.MULTI_CHOICE

    @property
    def is_boolean(self) -> bool:
        return self.type == AttributeType.BOOLEAN


FILTERABLE_TYPES = (AttributeType.CHOICE, AttributeType.MULTI_CHOICE, AttributeType.BOOLEAN)


def _attribute_filters(node: CategoryNode) -> list[AttributeFilter]:
    trail = node.ancestor_ids or [node.id]
    depth = {pk: index for index, pk in enumerate(trail)}
    merged: dict[str, AttributeDefinition] = {}
    rows = AttributeDefinition.objects.filter(category_id__in=trail)
    for row in sorted(rows, key=lambda r: (depth.get(r.category_id, 0), r.position, r.pk)):
        merged[row.code] = row  # a child's definition overrides its parent's
    result = []
    for definition in merged.values():
        if not definition.filterable or definition.type not in FILTERABLE_TYPES:
            continue
        choices = tuple(
            (
                str(choice[0]),
                str(choice[1] if len(choice) > 1 else choice[0]),
                str(choice[2] if len(choice) > 2 else ""),
            )
            for choice in definition.choices or []
        )
        result.append(
            AttributeFilter(
                code=definition.code,
                name_en=definition.name,
                name_zh=definition.name_zh,
                type=definition.type,
                unit=definition.unit,
                choices=choices,
            )
        )
    return result


def attribute_filters(node: CategoryNode | None, request=None) -> list[AttributeFilter]:
    """The filterable attributes of `node`'s template (its own and its ancestors')."""
    if node is None:
        return []
    return cached(request, "attrs", node.id, lambda: _attribute_filters(node), per_language=False)
