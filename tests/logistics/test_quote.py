"""Shipping fees from template snapshots: the pure maths of logistics.quote."""

from decimal import Decimal

import pytest
from django.utils import translation

from logistics.errors import LogisticsError, NotDeliverable
from logistics.quote import (
    Basis,
    CarrierOption,
    QuoteLine,
    Rate,
    RuleSnapshot,
    TemplateSnapshot,
    flat_rate_template,
    quote_combined,
    quote_shipping,
)

D = Decimal
ZHEJIANG, SHANGHAI, TIBET, XINJIANG, HONG_KONG = "330000", "310000", "540000", "650000", "810000"


def weight_template(**overrides):
    values = {
        "id": 1,
        "name": "By weight",
        "basis": Basis.WEIGHT,
        "default_rate": Rate(D("1"), D("8.00"), D("1"), D("3.00")),
        "rules": (
            RuleSnapshot(
                frozenset({XINJIANG}), Rate(D("1"), D("20.00"), D("1"), D("15.00")), False, "Remote"
            ),
        ),
        "non_deliverable": frozenset({TIBET}),
        "free_over_amount": D("99.00"),
    }
    values.update(overrides)
    return TemplateSnapshot(**values)


def line(quantity=1, price="10.00", weight="0", volume="0", template=None):
    return QuoteLine(
        quantity=quantity,
        unit_price=D(price),
        weight_kg=D(weight),
        volume_m3=D(volume),
        shipping_template_id=template,
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([line(1, weight="0.5")], "8.00"),  # within the first kg
        ([line(1, weight="1.0")], "8.00"),
        ([line(1, weight="1.01")], "11.00"),  # a started extra kg counts
        ([line(3, weight="0.8")], "14.00"),  # 2.4 kg: 8 + 2 × 3
        ([line(1, weight="0")], "8.00"),  # a parcel still pays the first fee
        ([line(1, weight="0.5"), line(2, weight="1.25")], "14.00"),  # 3.0 kg
    ],
)
def test_by_weight_first_and_extra_units(lines, expected):
    quote = quote_shipping(weight_template(), province=ZHEJIANG, lines=lines)
    assert quote.fee == D(expected)
    assert quote.shipping_fee == D(expected)
    assert not quote.free_shipping


def test_by_piece_and_by_volume():
    piece = weight_template(basis=Basis.PIECE, default_rate=Rate(D(2), D("10"), D(1), D("4")))
    assert quote_shipping(piece, province=ZHEJIANG, lines=[line(5)]).fee == D("22.00")
    volume = weight_template(
        basis=Basis.VOLUME, default_rate=Rate(D("0.1"), D("30"), D("0.05"), D("10"))
    )
    quote = quote_shipping(volume, province=ZHEJIANG, lines=[line(3, volume="0.05")])  # 0.15 m³
    assert quote.fee == D("40.00")


def test_a_rule_prices_its_provinces_and_opts_out_of_free_shipping():
    template = weight_template()
    quote = quote_shipping(template, province=XINJIANG, lines=[line(1, price="150", weight="2")])
    assert quote.fee == D("35.00")
    with translation.override("en"):
        quote = quote_shipping(template, province=XINJIANG, lines=[line(1, price="150")])
        assert any("does not apply to Xinjiang" in note for note in quote.explanation)


@pytest.mark.parametrize(
    ("overrides", "lines", "free"),
    [
        ({"free_over_amount": D("99")}, [line(1, price="99.00", weight="5")], True),
        ({"free_over_amount": D("99")}, [line(1, price="98.99", weight="5")], False),
        ({"free_over_amount": None, "free_over_quantity": 3}, [line(3, weight="5")], True),
        ({"free_over_amount": None, "free_over_quantity": 3}, [line(2, weight="5")], False),
        # either threshold is enough
        ({"free_over_amount": D("500"), "free_over_quantity": 2}, [line(2)], True),
    ],
)
def test_free_shipping_thresholds(overrides, lines, free):
    quote = quote_shipping(weight_template(**overrides), province=SHANGHAI, lines=lines)
    assert quote.free_shipping is free
    assert (quote.fee == 0) is free


def test_a_non_deliverable_province_is_refused_by_name():
    with translation.override("en"), pytest.raises(NotDeliverable) as refusal:
        quote_shipping(weight_template(), province=TIBET, lines=[line()])
    assert refusal.value.province == TIBET
    assert "Tibet" in str(refusal.value.message)
    assert refusal.value.code == "not_deliverable"
    with translation.override("zh-hans"), pytest.raises(NotDeliverable) as refusal:
        quote_shipping(weight_template(), province=TIBET, lines=[line()])
    assert "西藏自治区" in str(refusal.value.message)


@pytest.mark.parametrize("province", ["", "999999", "Zhejiang"])
def test_an_unknown_province_is_a_clear_error(province):
    with pytest.raises(LogisticsError) as error:
        quote_shipping(weight_template(), province=province, lines=[line()])
    assert error.value.code == "unknown_region"


@pytest.mark.parametrize(
    "bad", [line(0), line(-1), line(1, price="-1"), line(1, weight="-0.1"), line(1, volume="-1")]
)
def test_bad_lines_are_refused(bad):
    with pytest.raises(LogisticsError) as error:
        quote_shipping(weight_template(), province=ZHEJIANG, lines=[bad])
    assert error.value.code == "invalid_line"


def test_insurance_is_offered_and_charged_only_when_asked():
    template = weight_template(
        free_over_amount=None, insurance_rate=D("0.005"), insurance_minimum=D("1.00")
    )
    cheap = [line(1, price="50", weight="1")]
    quote = quote_shipping(template, province=ZHEJIANG, lines=cheap)
    assert (quote.insurance_offer, quote.insurance_fee, quote.fee) == (
        D("1.00"),
        D("0.00"),
        D("8.00"),
    )
    insured = quote_shipping(template, province=ZHEJIANG, lines=cheap, insure=True)
    assert insured.insured and insured.fee == D("9.00")
    dear = quote_shipping(
        template, province=ZHEJIANG, lines=[line(1, price="999", weight="1")], insure=True
    )
    assert dear.insurance_fee == D("5.00")  # 4.995 rounds half-up
    none = quote_shipping(weight_template(), province=ZHEJIANG, lines=cheap, insure=True)
    assert none.insurance_offer is None and not none.insured and none.fee == D("8.00")


def test_several_templates_in_one_parcel_pay_the_largest_first_fee_once():
    heavy = weight_template(id=1, name="Heavy", free_over_amount=None)
    pieces = TemplateSnapshot(
        id=2,
        name="Pieces",
        basis=Basis.PIECE,
        default_rate=Rate(D(1), D("12.00"), D(1), D("2.00")),
    )
    quote = quote_combined(
        [(heavy, [line(1, weight="2.5")]), (pieces, [line(3)])], province=ZHEJIANG
    )
    # Pieces leads (first fee 12 > 8): 12 + 2 × 2 = 16; Heavy's 2.5 kg pay extra only: 3 × 3 = 9
    assert [part.fee for part in quote.parts] == [D("9.00"), D("16.00")]
    assert quote.fee == D("25.00")
    assert quote.template_ids == (1, 2)


def test_a_free_template_does_not_lead_the_parcel():
    free = weight_template(id=1, name="Free", free_over_amount=D("10"))
    pieces = TemplateSnapshot(
        id=2, name="Pieces", basis=Basis.PIECE, default_rate=Rate(D(1), D("6.00"), D(1), D("2.00"))
    )
    quote = quote_combined(
        [(free, [line(1, price="50", weight="3")]), (pieces, [line(1)])], province=ZHEJIANG
    )
    assert quote.fee == D("6.00")
    assert [part.free for part in quote.parts] == [True, False]


def test_one_refusing_template_refuses_the_parcel():
    open_everywhere = flat_rate_template()
    with pytest.raises(NotDeliverable):
        quote_combined([(open_everywhere, [line()]), (weight_template(), [line()])], province=TIBET)


def test_flat_rate_fallback_charges_once_per_parcel_everywhere():
    quote = quote_shipping(flat_rate_template(), province=HONG_KONG, lines=[line(7, weight="9")])
    assert quote.fee == D("10.00")
    assert quote.flat_rate
    assert quote.insurance_offer is None


def test_no_lines_cost_nothing_and_carriers_are_passed_through():
    carriers = (CarrierOption(1, "sf", "SF Express"), CarrierOption(2, "zto", "ZTO", True))
    quote = quote_shipping(weight_template(), province=ZHEJIANG, lines=[], carriers=carriers)
    assert quote.fee == D("0.00") and not quote.free_shipping
    assert quote.default_carrier.code == "zto"


def test_the_explanation_reads_as_arithmetic():
    with translation.override("en"):
        quote = quote_shipping(weight_template(), province=ZHEJIANG, lines=[line(3, weight="0.8")])
    assert quote.explanation == (
        "By weight, 2.4 kg to Zhejiang: first 1 kg ¥8.00 + 2 × 1 kg at ¥3.00 = ¥14.00.",
    )
