"""The shared toolbox every chapter uses (marketplace.core): one way to show a refusal, one money
format, one retry policy, one read-only admin."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.formats import number_format

from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.money import format_amount, minor_digits, quantize
from marketplace.core.pages import refusals
from marketplace.core.tasks import RETRY_POLICY, retrying_task


class NameForm(forms.Form):
    name = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_naming_a_field_of_the_form_lands_on_that_field():
    form = NameForm(data={"name": "Teapot"})
    assert form.is_valid()

    with refusals(form=form) as outcome:
        raise DomainError("This name is taken.", field="name")

    assert not outcome.ok
    assert form.errors == {"name": ["This name is taken."]}
    assert not form.is_valid()


def test_a_refusal_naming_no_field_of_the_form_goes_above_it():
    form = NameForm(data={"name": "Teapot"})
    form.is_valid()

    with refusals(form=form):
        raise ConflictError("It is shipped already.", field="not_on_this_form")

    assert form.non_field_errors() == ["It is shipped already."]


def test_a_form_with_its_own_mapping_gets_the_error_itself():
    class RowsForm(NameForm):
        def apply_domain_error(self, error):
            self.add_error("name", f"row 2: {error.message}")

    form = RowsForm(data={"name": "x"})
    form.is_valid()
    with refusals(form=form):
        raise DomainError("too heavy", field="rows.2.weight")
    assert form.errors["name"] == ["row 2: too heavy"]


def test_a_refusal_of_a_button_becomes_a_message_and_nothing_else_is_caught():
    request = _request()
    with refusals(request) as outcome:
        raise DomainError("Out of stock.")
    assert not outcome.ok
    assert [str(m) for m in get_messages(request)] == ["Out of stock."]

    with refusals(request) as outcome:
        pass
    assert outcome.ok

    with pytest.raises(KeyError), refusals(request):
        raise KeyError("a bug is not a refusal")


@pytest.mark.parametrize(
    ("language", "thousands"),
    [("en", "1,288.00"), ("zh-hans", "1288.00")],  # Django's zh_Hans format does not group
)
def test_money_renders_the_same_in_python_and_in_templates(language, thousands):
    template = Template("{% load money %}{{ amount|money:currency }}|{{ missing|money }}")
    with translation.override(language):
        for amount, currency, expected in [
            (Decimal("1288"), "CNY", f"¥{thousands}"),
            (Decimal("-3"), "CNY", "-¥3.00"),
            (Decimal("10.005"), "cny", "¥10.01"),
            (Decimal("5"), "KRW", "5 KRW"),
            (Decimal("-1288"), "USD", f"-US${thousands}"),
        ]:
            rendered = template.render(Context({"amount": amount, "currency": currency}))
            assert format_amount(amount, currency) == expected
            assert rendered == f"{expected}|—"


def test_retrying_tasks_retry_transient_failures_with_backoff():
    @retrying_task(name="tests.toolbox.flaky")
    def flaky():
        return "ok"

    assert flaky.autoretry_for == RETRY_POLICY["autoretry_for"]
    assert all(issubclass(error, OSError) for error in (ConnectionError, TimeoutError))
    assert flaky.retry_backoff is True and flaky.max_retries == 5
    assert flaky.apply().result == "ok"


def test_a_refusal_in_a_bulk_action_names_the_object_and_the_loop_goes_on():
    request = _request()
    done = []
    for name in ["Jade Tea House", "Cloud Kiln"]:
        with refusals(request, about=name) as outcome:
            if name == "Jade Tea House":
                raise DomainError("It is suspended already.")
        if outcome.ok:
            done.append(name)
    assert done == ["Cloud Kiln"]
    assert [str(m) for m in get_messages(request)] == ["Jade Tea House: It is suspended already."]


@pytest.mark.parametrize("language", ["en", "zh-hans", "de", "fr", "hi"])
def test_money_groups_digits_as_django_number_format_does(language):
    """format_amount's own grouping gives what number_format(force_grouping=True) gives, in
    languages with every kind of grouping (none, by three, Indian)."""
    with translation.override(language):
        for amount in ("0", "0.5", "999.99", "1000", "1234567.891", "-98765.4"):
            for currency, symbol in (("CNY", "¥"), ("JPY", "JP¥")):
                value = quantize(Decimal(amount), currency)
                digits = number_format(
                    abs(value), decimal_pos=minor_digits(currency), force_grouping=True
                )
                sign = "-" if value < 0 else ""
                assert format_amount(Decimal(amount), currency) == f"{sign}{symbol}{digits}"
