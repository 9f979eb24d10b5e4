import pytest

from marketplace.core.errors import DomainError
from shops.services import clean_shop_name
from tests.factories.shops import ShopFactory, submitted_application

pytestmark = pytest.mark.django_db


def error_for(name, shop_type="enterprise", **kwargs):
    with pytest.raises(DomainError) as caught:
        clean_shop_name(name, shop_type=shop_type, **kwargs)
    assert caught.value.field == "shop_name"
    return str(caught.value.message)


def test_a_good_name_is_accepted_and_normalised():
    display, normalized = clean_shop_name("  Jade   Tea House ", shop_type="enterprise")

    assert display == "Jade Tea House"
    assert normalized == "jade tea house"


def test_a_duplicate_in_full_width_letters_or_other_case_is_taken():
    ShopFactory(name="Jade Tea", name_normalized="jade tea")

    message = error_for("ＪＡＤＥ　ｔｅａ")

    assert "already taken" in message


def test_a_name_in_review_is_reserved():
    submitted_application(shop_name="Kiln Works", shop_name_normalized="kiln works")

    assert "already taken" in error_for("KILN works")


@pytest.mark.parametrize("name", ["J", "x" * 31, "   "])
def test_names_must_be_2_to_30_characters(name):
    assert "2 to 30 characters" in error_for(name)


def test_chinese_names_count_characters_not_bytes():
    display, _normalized = clean_shop_name("西湖龙井茶庄", shop_type="enterprise")

    assert display == "西湖龙井茶庄"


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("The Best Tea", "best"),
        ("第一茶庄", "第一"),
        ("国家级瓷器", "国家级"),
        ("Tea Admin", "admin"),
    ],
)
def test_the_error_names_the_prohibited_word(name, word):
    assert f"“{word}”" in error_for(name)


def test_reserved_names_are_allowed_only_to_entitled_shop_types():
    assert "“旗舰”" in error_for("Lumière旗舰店", shop_type="enterprise")
    assert clean_shop_name("Lumière旗舰店", shop_type="flagship")[0] == "Lumière旗舰店"
    assert "“official”" in error_for("Sunrise Official", shop_type="authorised")


def test_control_characters_are_refused():
    assert "cannot be displayed" in error_for("Tea\u200bHouse")
