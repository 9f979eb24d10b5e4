"""Celery tasks of the catalog: thin wrappers that take ids and call a service.

All are idempotent (safe to run twice) and acknowledged late (the settings' default); enqueued
with `transaction.on_commit` by the services. They retry on transient errors with the platform's
one policy (`retrying_task`), except the daily beat job (it runs again tomorrow) and the bulk job
(a failed job says so on its page, and the seller starts another).
"""

from celery import shared_task

from marketplace.core.tasks import retrying_task


@retrying_task
def process_product_image(image_id: int) -> bool:
    from catalog.services.images import process_image

    return process_image(image_id)


@retrying_task
def deliver_stock_alerts(alert_ids: list[int]) -> int:
    from catalog.services.alerts import deliver_stock_alerts as deliver

    return deliver(alert_ids)


@shared_task
def recheck_low_stock() -> int:
    """Daily (django-celery-beat, migration 0003): every SKU against its warning line, in SQL."""
    from catalog.services.inventory import recheck_all_low_stock

    return len(recheck_all_low_stock())


@retrying_task
def refresh_listings(product_ids: list[int]) -> int:
    from catalog.services.listing import refresh_listings as refresh

    return refresh(product_ids)


@retrying_task
def reindex_category(category_id: int) -> int:
    """After a category was renamed or moved: its products' search vectors, in batches."""
    from catalog.models import Category, Product
    from catalog.services.listing import refresh_listings as refresh

    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        return 0
    ids = Product.objects.filter(category_path__startswith=category.path).values_list(
        "pk", flat=True
    )
    done = 0
    batch: list[int] = []
    for pk in ids.iterator(chunk_size=2000):
        batch.append(pk)
        if len(batch) == 500:
            done += refresh(batch)
            batch = []
    if batch:
        done += refresh(batch)
    return done


@shared_task(soft_time_limit=3600, time_limit=3900)
def run_bulk_job(job_id: int) -> str:
    from catalog.services.bulk import run_job

    return run_job(job_id)
