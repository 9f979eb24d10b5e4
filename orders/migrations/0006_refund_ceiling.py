"""The refund ceiling in the database (decision 0006): refunds never add up to more than what a
payment captured, nor more than what it allocated to the refunded order.

- `orders_payment.refunded` and `orders_paymentallocation.refunded`: the pending and succeeded
  refunds of the payment (of the order from the payment), with CHECK 0 <= refunded <= amount.
- They are kept by a trigger on `orders_refund` (insert, update, delete), in the refund's own
  transaction: the UPDATE of the payment row takes its row lock, so two refunds of one payment
  are serialised and the second one that would pass the amount is refused with an integrity
  error, whoever writes it (the service, raw SQL, another client).
- Nothing else may change them: a guard trigger keeps the old value on any other UPDATE (a
  stale `save()` of a payment cannot undo a refund) and starts every new row at zero.
- A refund of an order from a payment that does not pay that order is refused.
- Existing rows are filled in from their refunds, capped at the amount so that the CHECK can be
  added to a database that already refunded too much; `manage.py reconcile` lists those
  payments (refunds above the capture, and a refunded total that differs from the refunds).
- The unique (payment, order, reason) of system refunds ignores failed ones, so a refund the
  provider refused may be made again.
"""

from decimal import Decimal

from django.db import migrations, models

BACKFILL = """
UPDATE orders_payment AS payment SET refunded = LEAST(payment.amount, COALESCE((
    SELECT SUM(refund.amount) FROM orders_refund AS refund
    WHERE refund.payment_id = payment.id AND refund.state <> 'failed'), 0));
UPDATE orders_paymentallocation AS allocation SET refunded = LEAST(allocation.amount, COALESCE((
    SELECT SUM(refund.amount) FROM orders_refund AS refund
    WHERE refund.payment_id = allocation.payment_id AND refund.order_id = allocation.order_id
      AND refund.state <> 'failed'), 0));
"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION orders_refund_totals() RETURNS trigger AS $$
DECLARE
    old_counted numeric := 0;
    new_counted numeric := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state <> 'failed' THEN
        old_counted := OLD.amount;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state <> 'failed' THEN
        new_counted := NEW.amount;
    END IF;
    IF TG_OP = 'UPDATE' AND old_counted = new_counted AND OLD.payment_id = NEW.payment_id
       AND OLD.order_id IS NOT DISTINCT FROM NEW.order_id THEN
        RETURN NULL;  -- e.g. pending -> succeeded: still counted, nothing moves
    END IF;
    IF old_counted <> 0 THEN
        UPDATE orders_payment SET refunded = refunded - old_counted WHERE id = OLD.payment_id;
        IF OLD.order_id IS NOT NULL THEN
            UPDATE orders_paymentallocation SET refunded = refunded - old_counted
            WHERE payment_id = OLD.payment_id AND order_id = OLD.order_id;
        END IF;
    END IF;
    IF new_counted <> 0 THEN
        UPDATE orders_payment SET refunded = refunded + new_counted WHERE id = NEW.payment_id;
        IF NEW.order_id IS NOT NULL THEN
            UPDATE orders_paymentallocation SET refunded = refunded + new_counted
            WHERE payment_id = NEW.payment_id AND order_id = NEW.order_id;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'refund of order % from payment %, which does not pay it',
                    NEW.order_id, NEW.payment_id USING ERRCODE = 'check_violation';
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_refund_totals
    AFTER INSERT OR UPDATE OR DELETE ON orders_refund
    FOR EACH ROW EXECUTE FUNCTION orders_refund_totals();

-- Only orders_refund_totals (a nested trigger) may change a refunded total.
CREATE OR REPLACE FUNCTION orders_refunded_kept_by_refunds() RETURNS trigger AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        IF TG_OP = 'INSERT' THEN
            NEW.refunded := 0;
        ELSE
            NEW.refunded := OLD.refunded;
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_payment_refunded_kept
    BEFORE INSERT OR UPDATE OF refunded ON orders_payment
    FOR EACH ROW EXECUTE FUNCTION orders_refunded_kept_by_refunds();
CREATE TRIGGER orders_paymentallocation_refunded_kept
    BEFORE INSERT OR UPDATE OF refunded ON orders_paymentallocation
    FOR EACH ROW EXECUTE FUNCTION orders_refunded_kept_by_refunds();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS orders_refund_totals ON orders_refund;
DROP TRIGGER IF EXISTS orders_payment_refunded_kept ON orders_payment;
DROP TRIGGER IF EXISTS orders_paymentallocation_refunded_kept ON orders_paymentallocation;
DROP FUNCTION IF EXISTS orders_refund_totals();
DROP FUNCTION IF EXISTS orders_refunded_kept_by_refunds();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_finance_task_names"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="refund",
            name="orders_refund_once_per_reason",
        ),
        migrations.AddConstraint(
            model_name="refund",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("reason", "aftersales"), _negated=True),
                    models.Q(("state", "failed"), _negated=True),
                ),
                fields=("payment", "order", "reason"),
                name="orders_refund_once_per_reason",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="refunded",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="refunded"
            ),
        ),
        migrations.AddField(
            model_name="paymentallocation",
            name="refunded",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="refunded"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("refunded__gte", 0), ("refunded__lte", models.F("amount"))),
                name="orders_payment_refunded_within_amount",
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentallocation",
            constraint=models.CheckConstraint(
                condition=models.Q(("refunded__gte", 0), ("refunded__lte", models.F("amount"))),
                name="orders_allocation_refunded_within_amount",
            ),
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
