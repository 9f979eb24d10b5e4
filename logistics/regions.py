"""Destination regions for shipping: China's 34 provincial-level divisions (SPEC §4.5).

The data set ships in the repo, `logistics/data/regions_cn.json` (GB/T 2260 codes, names in both
languages, an area such as 华东 and a `remote` flag for the regions usually priced apart), and is
read once per process. Templates store province codes; nothing here touches the database.

    get_region("540000").name            # "Tibet" or "西藏自治区", by the active language
    find_region("上海")                   # by code, Chinese name, short name or English name
    REMOTE_CODES                          # frozenset of the remote provinces' codes
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions_cn.json"


def _chinese_active() -> bool:
    return (get_language() or "").lower().startswith("zh")


@dataclass(frozen=True)
class Area:
    code: str
    name_en: str
    name_zh: str

    @property
    def name(self) -> str:
        return self.name_zh if _chinese_active() else self.name_en


@dataclass(frozen=True)
class Region:
    code: str
    name_en: str
    name_zh: str
    short_zh: str
    kind: str
    area: str
    remote: bool

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if _chinese_active() else self.name_en

    def __str__(self) -> str:
        return self.name


@cache
def _load() -> tuple[tuple[Area, ...], tuple[Region, ...]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    areas = tuple(Area(**row) for row in data["areas"])
    regions = tuple(Region(**row) for row in data["regions"])
    return areas, regions


def all_areas() -> tuple[Area, ...]:
    return _load()[0]


def all_regions() -> tuple[Region, ...]:
    """Every region, in code order."""
    return _load()[1]


@cache
def _by_code() -> dict[str, Region]:
    return {region.code: region for region in all_regions()}


@cache
def _by_name() -> dict[str, Region]:
    names: dict[str, Region] = {}
    for region in all_regions():
        for key in (region.code, region.name_zh, region.short_zh, region.name_en.lower()):
            names[key] = region
    return names


def is_region_code(code: str) -> bool:
    return code in _by_code()


def get_region(code: str) -> Region:
    """The region with `code`; KeyError for an unknown code."""
    return _by_code()[code]


def find_region(text: str) -> Region | None:
    """The region named by `text` (code, Chinese full or short name, English name), or None.

    Addresses store the province as typed (`"浙江省"`, `"浙江"`); this maps them to a code.
    """
    if not text:
        return None
    key = text.strip()
    return _by_name().get(key) or _by_name().get(key.lower())


def region_name(code: str) -> str:
    """The region's name in the active language, or the code itself when unknown."""
    region = _by_code().get(code)
    return region.name if region else code


def region_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for form fields, in the active language."""
    return [(region.code, region.name) for region in all_regions()]


def regions_by_area() -> list[tuple[Area, list[Region]]]:
    """Regions grouped by area, in the data file's order (for the template editor)."""
    grouped = {area.code: (area, []) for area in all_areas()}
    for region in all_regions():
        grouped[region.area][1].append(region)
    return list(grouped.values())


ALL_CODES: frozenset[str] = frozenset(region.code for region in all_regions())
REMOTE_CODES: frozenset[str] = frozenset(region.code for region in all_regions() if region.remote)
