"""The platform's category tree (edited by staff in Django admin through these services)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from catalog.models import Category, Product


def save_category(category: Category) -> Category:
    """Save a category and keep the tree's `path`, `depth` and `is_leaf` (and the products'
    copy of the path) right. Refuses a parent that is the category itself or below it, and a
    parent that already holds products (products live in leaf categories only)."""
    parent = category.parent
    if parent is not None:
        if category.pk and (parent.pk == category.pk or f"/{category.pk}/" in parent.path):
            raise ValidationError({"parent": _("A category cannot be placed below itself.")})
        if Product.objects.filter(category=parent).exists():
            raise ValidationError(
                {
                    "parent": _("“%(name)s” holds products; move them before adding subcategories.")
                    % {"name": parent.label}
                }
            )
    with transaction.atomic():
        old_path = ""
        old_parent_id = None
        if category.pk:
            previous = Category.objects.select_for_update().filter(pk=category.pk).first()
            if previous is not None:
                old_path, old_parent_id = previous.path, previous.parent_id
        category.save()
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.depth = category.path.count("/") - 2
        category.is_leaf = not Category.objects.filter(parent=category).exists()
        Category.objects.filter(pk=category.pk).update(
            path=category.path, depth=category.depth, is_leaf=category.is_leaf
        )
        if parent is not None and parent.is_leaf:
            Category.objects.filter(pk=parent.pk).update(is_leaf=False)
            parent.is_leaf = False
        if old_parent_id and old_parent_id != category.parent_id:
            _refresh_leaf(old_parent_id)
        if old_path and old_path != category.path:
            start = len(old_path) + 1
            Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk).update(
                path=Concat(Value(category.path), Substr("path", start))
            )
            for row in Category.objects.filter(path__startswith=category.path):
                Category.objects.filter(pk=row.pk).update(depth=row.path.count("/") - 2)
            Product.objects.filter(category_path__startswith=old_path).update(
                category_path=Concat(Value(category.path), Substr("category_path", start))
            )
        subtree = list(
            Product.objects.filter(category_path__startswith=category.path).values_list(
                "pk", flat=True
            )[:1]
        )
    if subtree:
        from catalog import tasks

        transaction.on_commit(lambda: tasks.reindex_category.delay(category.pk))
    return category


def _refresh_leaf(category_id: int) -> None:
    has_children = Category.objects.filter(parent_id=category_id).exists()
    Category.objects.filter(pk=category_id).update(is_leaf=not has_children)


def delete_category(category: Category) -> None:
    if category.children.exists() or Product.objects.filter(category=category).exists():
        raise ValidationError(_("Only an empty category without subcategories can be deleted."))
    parent_id = category.parent_id
    with transaction.atomic():
        category.delete()
        if parent_id:
            _refresh_leaf(parent_id)
