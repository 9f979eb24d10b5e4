"""Celery tasks of the catalog: thin wrappers that take ids and call a service.

All are idempotent (safe to run twice) and acknowledged late; enqueued with
`transaction.on_commit` by the services.
"""

from celery import shared_task

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(**RETRY)
def process_product_image(image_id: int) -> bool:
    from catalog.services.images import process_image

    return process_image(image_id)


@shared_task(**RETRY)
def deliver_stock_alerts(alert_ids: list[int]) -> int:
    from catalog.services.alerts import deliver_stock_alerts as deliver

    return deliver(alert_ids)


@shared_task(acks_late=True)
def recheck_low_stock() -> int:
    """Daily (django-celery-beat, migration 0003): every SKU against its warning line, in SQL."""
    from catalog.services.inventory import recheck_all_low_stock

    return len(recheck_all_low_stock())


@shared_task(**RETRY)
def refresh_listings(product_ids: list[int]) -> int:
    from catalog.services.listing import refresh_listings as refresh

    return refresh(product_ids)


@shared_task(**RETRY)
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


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3900)
def run_bulk_job(job_id: int) -> str:
    from catalog.services.bulk import run_job

    return run_job(job_id)
