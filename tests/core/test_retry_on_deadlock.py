"""`marketplace.core.db.retry_on_deadlock`: a transaction PostgreSQL aborted for a deadlock or a
serialization failure runs again, whole, a bounded number of times, and only at the outermost
service boundary."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from marketplace.core import db
from tests.factories.accounts import UserFactory


class _PgError(Exception):
    def __init__(self, pgcode: str):
        super().__init__(pgcode)
        self.pgcode = pgcode


def aborted(pgcode: str) -> OperationalError:
    """What Django raises for a psycopg2 error with `pgcode`."""
    error = OperationalError(f"aborted ({pgcode})")
    error.__cause__ = _PgError(pgcode)
    return error


def failing(pgcode: str, calls: list, succeed_on: int | None = None):
    @db.retry_on_deadlock(attempts=3)
    def service():
        calls.append(1)
        if succeed_on is not None and len(calls) >= succeed_on:
            return "done"
        raise aborted(pgcode)

    return service


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pgcode", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_runs_again_and_succeeds(pgcode):
    calls = []
    before = db.retries.total()

    assert failing(pgcode, calls, succeed_on=2)() == "done"

    assert len(calls) == 2 and db.retries.total() == before + 1


@pytest.mark.django_db(transaction=True)
def test_the_retries_are_bounded_and_the_last_error_surfaces():
    calls = []

    with pytest.raises(OperationalError):
        failing("40P01", calls)()

    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried():
    calls = []

    with pytest.raises(OperationalError):
        failing("57014", calls)()  # query_canceled (e.g. a statement timeout)

    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_retried_inside_a_transaction_someone_else_opened():
    calls = []

    with pytest.raises(OperationalError), transaction.atomic():
        failing("40P01", calls)()

    assert len(calls) == 1  # the outer transaction is aborted too: only its owner may retry


@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_and_both_transactions_finish():
    """Two transactions lock two rows in opposite orders: PostgreSQL aborts one, which runs again
    once the other committed."""
    first, second = UserFactory(), UserFactory()
    barrier = threading.Barrier(2)
    attempts: list[str] = []
    errors: list[BaseException] = []
    before = db.retries.total()

    def locker(name, order):
        @db.retry_on_deadlock
        def lock_both():
            with transaction.atomic():
                attempts.append(name)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE", [order[0]]
                    )
                    if attempts.count(name) == 1:
                        barrier.wait(timeout=10)  # both hold their first row
                    cursor.execute(
                        "SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE", [order[1]]
                    )

        def run():
            try:
                lock_both()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        return threading.Thread(target=run)

    threads = [
        locker("a", (first.pk, second.pk)),
        locker("b", (second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(attempts) == 3  # one of them twice
    assert db.retries.total() == before + 1
