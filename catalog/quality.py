"""The listing-quality score: what a listing lacks, concretely, and a score out of 100.

`assess()` is a pure function of the listing's facts; `catalog.services.listing` stores its
result on the product (`quality_score`, `quality_issues`) so lists show it without recomputing.
Issues are stored as codes with parameters and turned into sentences in the reader's language
by `describe()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models.products import RECOMMENDED_IMAGES

MIN_DESCRIPTION_LENGTH = 100
MIN_TITLE_LENGTH = 10

WEIGHTS = {
    "images": 25,
    "description": 20,
    "attributes": 25,
    "keywords": 15,
    "title": 10,
    "video": 5,
}


@dataclass
class Assessment:
    score: int
    issues: list[dict] = field(default_factory=list)


def assess(
    *,
    title: str,
    description_text: str,
    image_count: int,
    missing_required: list[str],
    keywords: list[str],
    has_video: bool,
) -> Assessment:
    issues: list[dict] = []
    score = 0

    score += WEIGHTS["images"] * min(image_count, RECOMMENDED_IMAGES) // RECOMMENDED_IMAGES
    if image_count < RECOMMENDED_IMAGES:
        issues.append(
            {"code": "images", "have": image_count, "missing": RECOMMENDED_IMAGES - image_count}
        )

    length = len(description_text)
    if length >= MIN_DESCRIPTION_LENGTH:
        score += WEIGHTS["description"]
    else:
        score += WEIGHTS["description"] * length // MIN_DESCRIPTION_LENGTH
        issues.append({"code": "description", "length": length})

    if missing_required:
        issues.append({"code": "attributes", "names": missing_required})
    else:
        score += WEIGHTS["attributes"]

    folded_title = title.casefold()
    if not keywords:
        issues.append({"code": "no_keywords"})
    elif not any(keyword.casefold() in folded_title for keyword in keywords):
        issues.append({"code": "keyword_not_in_title", "keywords": keywords[:5]})
    else:
        score += WEIGHTS["keywords"]

    if len(title) >= MIN_TITLE_LENGTH:
        score += WEIGHTS["title"]
    else:
        issues.append({"code": "title", "length": len(title)})

    if has_video:
        score += WEIGHTS["video"]
    else:
        issues.append({"code": "video"})
    return Assessment(score=score, issues=issues)


def describe(issue: dict) -> str:
    """One issue as a sentence in the active language."""
    code = issue.get("code")
    if code == "images":
        return ngettext(
            "Add %(missing)d more image: %(recommended)d are recommended, you have %(have)d.",
            "Add %(missing)d more images: %(recommended)d are recommended, you have %(have)d.",
            issue["missing"],
        ) % {"missing": issue["missing"], "recommended": RECOMMENDED_IMAGES, "have": issue["have"]}
    if code == "description":
        return _(
            "The description is short (%(length)d characters): describe the product in at least "
            "%(min)d characters."
        ) % {"length": issue["length"], "min": MIN_DESCRIPTION_LENGTH}
    if code == "attributes":
        return _("Fill in the required specifications: %(names)s.") % {
            "names": ", ".join(issue["names"])
        }
    if code == "no_keywords":
        return _("Add search keywords, and use the most important one in the title.")
    if code == "keyword_not_in_title":
        return _("None of your search keywords (%(keywords)s) is in the title.") % {
            "keywords": ", ".join(issue["keywords"])
        }
    if code == "title":
        return _("The title is short: use at least %(min)d characters.") % {"min": MIN_TITLE_LENGTH}
    if code == "video":
        return _("Add a video link: listings with a video convert better.")
    return str(code)


def describe_all(issues: list[dict]) -> list[str]:
    return [describe(issue) for issue in issues or []]
