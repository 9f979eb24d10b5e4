"""The generic state-machine helper (marketplace.core.states), seen through shop applications."""

import pytest

from marketplace.core.errors import ConflictError
from marketplace.core.models import StateEvent
from marketplace.core.states import can_transition, history, transition
from shops.models import ShopApplication
from tests.factories.shops import ShopApplicationFactory

pytestmark = pytest.mark.django_db

State = ShopApplication.State


def test_a_transition_in_the_table_writes_the_state_and_one_event(user):
    application = ShopApplicationFactory()

    event = transition(
        application, to=State.SUBMITTED, actor=user, reason="ready", changes={"submission_count": 1}
    )

    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.submission_count == 1
    assert (event.from_state, event.to_state, event.actor, event.reason) == (
        "draft",
        "submitted",
        user,
        "ready",
    )
    assert list(history(application)) == [event]


def test_a_transition_not_in_the_table_raises_and_changes_nothing(user):
    application = ShopApplicationFactory()

    with pytest.raises(ConflictError) as caught:
        transition(application, to=State.APPROVED, actor=user)

    assert caught.value.code == "invalid_transition"
    assert caught.value.status_code == 409
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert not StateEvent.objects.exists()


def test_the_check_uses_the_locked_row_not_a_stale_copy(user):
    application = ShopApplicationFactory(state=State.SUBMITTED)
    stale = ShopApplication.objects.get(pk=application.pk)
    transition(application, to=State.REJECTED, actor=user)

    with pytest.raises(ConflictError):
        transition(stale, to=State.APPROVED, actor=user)  # stale still says "submitted"

    assert ShopApplication.objects.get(pk=application.pk).state == State.REJECTED


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("draft", "submitted", True),
        ("draft", "withdrawn", True),
        ("draft", "approved", False),
        ("submitted", "approved", True),
        ("submitted", "rejected", True),
        ("rejected", "submitted", True),
        ("rejected", "approved", False),
        ("approved", "withdrawn", False),
        ("withdrawn", "submitted", False),
    ],
)
def test_the_application_table(start, to, allowed):
    assert can_transition(ShopApplication(state=start), to) is allowed
