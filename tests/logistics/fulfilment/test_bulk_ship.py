"""Bulk shipping by CSV upload (issue 7, item 3): every row ships or none does; unknown order
numbers, other shops' orders, bad carriers, reused tracking numbers and too many units are
reported per row."""

from __future__ import annotations

import pytest

from logistics.errors import LogisticsError, RowErrors
from logistics.models import Shipment
from orders.fulfilment import services
from orders.fulfilment.services import ship_order
from orders.models import Order
from tests.factories.orders import pending_order
from tests.logistics.fulfilment.builders import paid_order

pytestmark = pytest.mark.django_db


def csv_bytes(
    *rows, header="order_number,carrier,tracking_number,sku_code,quantity", encoding="utf-8"
):
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def states(*orders):
    return [Order.objects.get(pk=order.pk).state for order in orders]


def test_a_good_file_ships_every_order(shop, make_order):
    first, second = make_order(), make_order(("Teapot", "120.00", 3))
    data = csv_bytes(
        f"{first.number},offline,SIM8000001,,",
        f"{second.number},SF Express,sf8000000002,,",
    )

    result = services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    assert len(result.shipments) == 2 and result.rows == 2
    assert states(first, second) == ["shipped", "shipped"]
    assert set(Shipment.objects.values_list("tracking_number", flat=True)) == {
        "SIM8000001",
        "SF8000000002",
    }


def test_rows_by_sku_ship_part_of_an_order(shop, order):
    cup, teapot = order.lines.order_by("pk")
    data = csv_bytes(
        f"{order.number},offline,SIM8000010,{cup.sku_code},1",
        f"{order.number},offline,SIM8000010,{teapot.sku_code},1",
    )

    services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    parcel = Shipment.objects.get()
    assert {(line.sku_code, line.quantity) for line in parcel.lines.all()} == {
        (cup.sku_code, 1),
        (teapot.sku_code, 1),
    }
    assert states(order) == ["partly_shipped"]


def test_chinese_column_names_and_a_gbk_file_work(shop, make_order):
    first = make_order()
    data = csv_bytes(
        f"{first.number},顺丰速运,SF8000000020,,",
        header="订单号,快递公司,运单号,SKU编码,数量",
        encoding="gbk",
    )

    services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    assert states(first) == ["shipped"]


def test_unknown_order_numbers_are_reported_per_row_and_nothing_ships(
    shop, other_shop, buyer, make_order, other_shop_carriers
):
    good = make_order()
    theirs = paid_order(other_shop, buyer, ("Bowl", "35.50", 1))
    data = csv_bytes(
        f"{good.number},offline,SIM8000030,,",
        "99999999999999,offline,SIM8000031,,",
        f"{theirs.number},offline,SIM8000032,,",
    )

    with pytest.raises(RowErrors) as refused:
        services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    rows = refused.value.rows
    assert [(row, field) for row, field, _message in rows] == [
        (3, "order_number"),
        (4, "order_number"),
    ]
    assert "99999999999999" in rows[0][2]
    assert "not one of your shop's orders" in rows[1][2]  # another shop's: same answer
    assert "Shop B" not in str(rows)
    assert not Shipment.objects.exists()
    assert states(good, theirs) == ["paid", "paid"]


def test_every_kind_of_bad_row_is_reported_with_its_row(shop, buyer, make_order, carriers):
    fine = make_order()
    unpaid = pending_order(shop, buyer=buyer)
    big = make_order(("Tea cup", "10.00", 2))
    used = make_order()
    ship_order(
        used,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMUSED001",
    )
    another = make_order()
    data = csv_bytes(
        f"{fine.number},offline,SIM8000040,,",  # 2: fine
        f"{unpaid.number},offline,SIM8000041,,",  # 3: not paid
        f"{fine.number},zto,ZT80000042,,",  # 4: not one of the shop's carriers
        f"{another.number},offline,BAD/NUMBER,,",  # 5: malformed tracking number
        f"{big.number},offline,SIM8000043,{big.lines.get().sku_code},3",  # 6: only 2 left
        f"{another.number},offline,SIMUSED001,,",  # 7: already used
        f"{another.number},offline,SIM8000040,,",  # 8: also given for another order above
        f"{big.number},offline,SIM8000044,NO-SUCH-SKU,1",  # 9: no such SKU
        ",offline,SIM8000045,,",  # 10: no order number
    )

    with pytest.raises(RowErrors) as refused:
        services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    by_row = {row: (field, message) for row, field, message in refused.value.rows}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert by_row[3][0] == "order_number" and "cannot ship" in by_row[3][1]
    assert by_row[4][0] == "carrier"
    assert by_row[5][0] == "tracking_number"
    assert by_row[6][0] == "quantity" and "Only 2" in by_row[6][1]
    assert by_row[7][0] == "tracking_number" and used.number in by_row[7][1]
    assert by_row[8][0] == "tracking_number" and fine.number in by_row[8][1]
    assert by_row[9][0] == "sku_code"
    assert Shipment.objects.count() == 1  # only the one shipped before the upload
    assert states(fine, big, another) == ["paid", "paid", "paid"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"order,foo\r\n1,2\r\n", "columns"),
        (b"order_number,carrier,tracking_number\r\n", "no rows"),
        (b"\x00\x01\x02" + b"\xff\xfe\x00", "encoding"),
    ],
    ids=["empty", "wrong-columns", "header-only", "binary"],
)
def test_a_file_that_cannot_be_read_is_refused(shop, data, message):
    with pytest.raises(LogisticsError) as refused:
        services.bulk_ship(shop=shop, actor=shop.owner, data=data)
    assert refused.value.field == "file"
    assert not Shipment.objects.exists()


def test_a_conflict_found_while_shipping_rolls_back_every_parcel(shop, make_order, monkeypatch):
    """The plan checks everything first; if something still fails while shipping (changed by
    someone meanwhile), the parcels shipped before it are rolled back too."""
    first, second = make_order(), make_order()
    data = csv_bytes(
        f"{first.number},offline,SIM8000050,,", f"{second.number},offline,SIM8000051,,"
    )
    import orders.fulfilment.services as fulfilment

    real = fulfilment.ship_order

    def second_fails(order, **kwargs):
        if order.pk == second.pk:
            from orders.services import cancel_order

            cancel_order(order, by="seller", actor=shop.owner, reason="Changed mind", shop=shop)
        return real(order, **kwargs)

    monkeypatch.setattr(fulfilment, "ship_order", second_fails)

    with pytest.raises(RowErrors) as refused:
        services.bulk_ship(shop=shop, actor=shop.owner, data=data)

    assert refused.value.rows[0][0] == 3  # the second order's row
    assert not Shipment.objects.exists()
    assert states(first) == ["paid"]
