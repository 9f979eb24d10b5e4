import pytest
from django.urls import reverse

from compliance.models import ProhibitedWord
from compliance.words import find_prohibited

pytestmark = pytest.mark.django_db

ABSOLUTE = ProhibitedWord.Kind.ABSOLUTE_CLAIM


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The BEST green tea", "best"),
        ("Ｔｈｅ ｂｅｓｔ tea", "best"),  # full-width letters
        ("No.1 tea shop", "No. 1"),
        ("ｎｏ． １ tea", "No. 1"),
        ("Number  One teas", "number one"),
        ("全网最低价茶叶", "最低价"),  # the longest listed word wins
        ("国家级非遗手艺", "国家级"),
        ("100% pure silk", "100%"),
        ("顶级极品龙井", "顶级"),
    ],
)
def test_absolute_claims_are_found_ignoring_case_and_width(text, word):
    hit = find_prohibited(text, kinds=[ABSOLUTE])

    assert hit is not None and hit.word == word


@pytest.mark.parametrize("text", ["Bestow gifts", "Badminton club", "Honest tea", "一二三"])
def test_latin_words_match_whole_words_only(text):
    assert find_prohibited(text) is None


def test_kinds_and_entitlements_filter_the_words():
    assert find_prohibited("Lumière 官方旗舰店").kind == ProhibitedWord.Kind.RESERVED_NAME
    assert find_prohibited("Lumière 官方旗舰店", kinds=[ABSOLUTE]) is None
    assert find_prohibited("Lumière 官方旗舰店", allow=["官方", "旗舰"]) is None


def test_words_switched_off_in_admin_no_longer_match(admin_client):
    word = ProhibitedWord.objects.get(normalized="best")

    response = admin_client.post(
        reverse("admin:compliance_prohibitedword_change", args=[word.pk]),
        {"word": "best", "kind": ABSOLUTE, "note": "", "is_active": ""},
    )

    assert response.status_code == 302
    assert find_prohibited("the best tea") is None


def test_staff_add_words_in_admin_and_duplicates_in_another_width_are_refused(admin_client):
    url = reverse("admin:compliance_prohibitedword_add")

    added = admin_client.post(url, {"word": "miracle", "kind": "absolute_claim", "is_active": "on"})
    duplicate = admin_client.post(
        url, {"word": "ＭＩＲＡＣＬＥ", "kind": "absolute_claim", "is_active": "on"}
    )

    assert added.status_code == 302
    assert find_prohibited("A miracle cream").word == "miracle"
    assert duplicate.status_code == 200
    assert "already on the list" in duplicate.content.decode()
    assert ProhibitedWord.objects.filter(normalized="miracle").count() == 1
