"""Balance and warmth on hand-computed cases (DESIGN §2: pure functions with documented formulas)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from recipro_desktop.core.models import Act, ActKind, Direction
from recipro_desktop.core.scores import (
    ActFlow,
    BalanceLean,
    WarmthLabel,
    balance,
    warmth,
    warmth_label,
)

TODAY = date(2026, 1, 15)
G = Direction.GIVEN
R = Direction.RECEIVED


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- balance -----------------------------------------------------------------------------------------


def test_no_acts_is_none_with_gentle_words() -> None:
    b = balance([], TODAY)
    assert b.lean is BalanceLean.NONE
    assert b.value == 0.0
    assert b.strength == 0.0
    assert b.words == "No exchanges yet"


def test_given_three_received_one_today_is_mostly_giving() -> None:
    b = balance([ActFlow(TODAY, G, 3), ActFlow(TODAY, R, 1)], TODAY)
    assert b.value == pytest.approx(2.0)
    assert b.strength == pytest.approx(0.5)
    assert b.lean is BalanceLean.MOSTLY_GIVING
    assert b.words == "You've mostly been giving lately"


def test_half_life_is_180_days() -> None:
    # given 4 a half-life ago (counts 2) vs received 2 today: exactly even.
    b = balance([ActFlow(ago(180), G, 4), ActFlow(TODAY, R, 2)], TODAY)
    assert b.value == pytest.approx(0.0)
    assert b.lean is BalanceLean.BALANCED
    assert b.words == "Balanced"
    # a year ago counts a quarter
    b = balance([ActFlow(ago(360), R, 4)], TODAY)
    assert b.value == pytest.approx(-1.0)
    assert b.strength == pytest.approx(1.0)
    assert b.lean is BalanceLean.MOSTLY_RECEIVING
    assert b.words == "You've mostly been receiving lately"


def test_small_difference_is_balanced() -> None:
    # 3 vs 2: strength 0.2 < 0.25
    b = balance([ActFlow(TODAY, G, 3), ActFlow(TODAY, R, 2)], TODAY)
    assert b.strength == pytest.approx(0.2)
    assert b.lean is BalanceLean.BALANCED


def test_tiny_total_is_balanced_even_if_one_sided() -> None:
    # weight 1 given four years ago: 0.5^(1460/180) ≈ 0.0036, far below the 1.0 floor
    b = balance([ActFlow(ago(1460), G, 1)], TODAY)
    assert b.value == pytest.approx(0.5 ** (1460 / 180))
    assert b.strength == pytest.approx(1.0)
    assert b.lean is BalanceLean.BALANCED


def test_paid_forward_received_act_leaves_the_balance() -> None:
    # They helped me (weight 5); I passed it on: it does not count against them.
    b = balance([ActFlow(TODAY, R, 5, paid_forward=True), ActFlow(TODAY, G, 2)], TODAY)
    assert b.value == pytest.approx(2.0)
    assert b.lean is BalanceLean.MOSTLY_GIVING
    only_forwarded = balance([ActFlow(TODAY, R, 5, paid_forward=True)], TODAY)
    assert only_forwarded.lean is BalanceLean.BALANCED
    assert only_forwarded.value == 0.0


def test_paid_forward_given_act_still_counts_as_given() -> None:
    b = balance([ActFlow(TODAY, G, 4, paid_forward=True)], TODAY)
    assert b.value == pytest.approx(4.0)
    assert b.lean is BalanceLean.MOSTLY_GIVING


def test_future_dated_act_counts_as_today() -> None:
    b = balance([ActFlow(TODAY + timedelta(days=30), R, 3)], TODAY)
    assert b.value == pytest.approx(-3.0)


def test_words_never_speak_of_debt() -> None:
    cases = [[], [ActFlow(TODAY, G, 5)], [ActFlow(TODAY, R, 5)], [ActFlow(TODAY, G, 1), ActFlow(TODAY, R, 1)]]
    for acts in cases:
        words = balance(acts, TODAY).words.lower()
        assert "owe" not in words and "debt" not in words


def test_act_flow_from_act() -> None:
    act = Act(occurred_on=ago(3), direction=R, kind=ActKind.FAVOR, summary="s", people=(), weight=4, paid_forward=True)
    assert ActFlow.from_act(act) == ActFlow(ago(3), R, 4, True)


# --- warmth ------------------------------------------------------------------------------------------


def test_nothing_is_cold_zero() -> None:
    w = warmth(acts=[], interactions=[], entries=[], today=TODAY)
    assert (w.score, w.label, w.raw) == (0, WarmthLabel.COLD, 0.0)


def test_one_weight_three_act_today_scores_63_warm() -> None:
    w = warmth(acts=[(TODAY, 3)], interactions=[], entries=[], today=TODAY)
    assert w.raw == pytest.approx(3.0)
    assert w.score == round(100 * (1 - math.exp(-1)))  # 63
    assert w.label is WarmthLabel.WARM


def test_item_weights_and_90_day_half_life() -> None:
    # act weight 2 at 90 days (1.0) + interaction today (1.0) + entry at 180 days (0.5·0.25 = 0.125)
    w = warmth(acts=[(ago(90), 2)], interactions=[TODAY], entries=[ago(180)], today=TODAY)
    assert w.raw == pytest.approx(2.125)
    assert w.score == round(100 * (1 - math.exp(-2.125 / 3)))  # 51
    assert w.label is WarmthLabel.WARM


def test_one_coffee_today_is_cooling_and_goes_cold() -> None:
    assert warmth(acts=[], interactions=[TODAY], entries=[], today=TODAY).score == 28
    assert warmth(acts=[], interactions=[TODAY], entries=[], today=TODAY).label is WarmthLabel.COOLING
    later = warmth(acts=[], interactions=[ago(120)], entries=[], today=TODAY)
    assert later.label is WarmthLabel.COLD


def test_score_saturates_at_100() -> None:
    w = warmth(acts=[(TODAY, 5)] * 50, interactions=[], entries=[], today=TODAY)
    assert w.score == 100
    assert w.raw == pytest.approx(250.0)


def test_future_items_count_as_age_zero() -> None:
    future = TODAY + timedelta(days=400)
    w = warmth(acts=[(future, 3)], interactions=[future], entries=[future], today=TODAY)
    assert w.raw == pytest.approx(4.5)


def test_label_thresholds() -> None:
    assert warmth_label(100) is WarmthLabel.WARM
    assert warmth_label(50) is WarmthLabel.WARM
    assert warmth_label(49) is WarmthLabel.COOLING
    assert warmth_label(15) is WarmthLabel.COOLING
    assert warmth_label(14) is WarmthLabel.COLD
    assert warmth_label(0) is WarmthLabel.COLD


def test_warm_one_sided_relationship_is_warm_and_mostly_receiving() -> None:
    """DESIGN §2: warmth and balance are separate; a warm one-sided relationship must be visible."""
    monthly = [ago(30 * n) for n in range(12)]
    acts = [ActFlow(on, R, 3) for on in monthly]
    w = warmth(acts=[(a.on, a.weight) for a in acts], interactions=monthly, entries=[], today=TODAY)
    b = balance(acts, TODAY)
    assert w.label is WarmthLabel.WARM
    assert b.lean is BalanceLean.MOSTLY_RECEIVING
    assert b.strength == pytest.approx(1.0)


def test_cold_but_balanced_relationship() -> None:
    acts = [ActFlow(ago(700), G, 3), ActFlow(ago(700), R, 3)]
    w = warmth(acts=[(a.on, a.weight) for a in acts], interactions=[], entries=[], today=TODAY)
    assert w.label is WarmthLabel.COLD
    assert balance(acts, TODAY).lean is BalanceLean.BALANCED
