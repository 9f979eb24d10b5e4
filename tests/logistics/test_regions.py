"""The region data set shipped in the repo: China's 34 provincial-level divisions."""

import json

from django.utils import translation

from logistics.regions import (
    ALL_CODES,
    DATA_FILE,
    REMOTE_CODES,
    all_regions,
    find_region,
    get_region,
    regions_by_area,
)


def test_the_data_set_has_34_divisions_with_unique_codes_and_both_names():
    regions = all_regions()
    assert len(regions) == 34 == len(ALL_CODES)
    assert all(r.code.isdigit() and len(r.code) == 6 for r in regions)
    assert all(r.name_en and r.name_zh and r.short_zh for r in regions)
    kinds = {r.kind for r in regions}
    assert kinds == {"municipality", "province", "autonomous_region", "sar"}
    assert sum(r.kind == "municipality" for r in regions) == 4
    assert sum(r.kind == "sar" for r in regions) == 2


def test_remote_regions_are_flagged():
    names = {get_region(code).name_en for code in REMOTE_CODES}
    assert {
        "Tibet",
        "Xinjiang",
        "Qinghai",
        "Inner Mongolia",
        "Hong Kong",
        "Macau",
        "Taiwan",
    } <= names
    assert "Zhejiang" not in names


def test_every_region_belongs_to_a_known_area():
    grouped = regions_by_area()
    assert sum(len(regions) for _area, regions in grouped) == 34
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert {area["code"] for area in data["areas"]} == {area.code for area, _r in grouped}


def test_regions_are_found_by_code_or_name_as_addresses_store_them():
    assert find_region("330000").code == "330000"
    assert find_region("浙江省").code == "330000"
    assert find_region("浙江").code == "330000"
    assert find_region(" Zhejiang ").code == "330000"
    assert find_region("上海市").code == "310000"
    assert find_region("Atlantis") is None
    assert find_region("") is None


def test_the_name_follows_the_language():
    with translation.override("zh-hans"):
        assert get_region("540000").name == "西藏自治区"
    with translation.override("en"):
        assert get_region("540000").name == "Tibet"
