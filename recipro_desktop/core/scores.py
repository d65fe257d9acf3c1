"""The two per-person scores: give/receive **balance** and **warmth** (DESIGN §2).

Both are pure functions of dated items and an injected ``today``, so the person page, the insights
charts and the tests all compute the same numbers. They answer different questions and are kept apart on
purpose: *warmth* says how alive a relationship is, *balance* says which way help has been flowing lately.
A warm, one-sided relationship (they help you every month) is warm **and** mostly-receiving.

Balance is a trend, never a debt: nothing here produces an "amount owed", and the words are gentle.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from recipro_desktop.core.models import Act, Direction

BALANCE_HALF_LIFE_DAYS = 180.0
"""An act counts half as much towards the balance after six months, a quarter after a year."""

BALANCE_MIN_TOTAL = 1.0
"""Below this much decayed weight (given + received) there is too little recent flow to call a lean."""

BALANCE_LEAN_AT = 0.25
"""``strength`` at or above which the balance leans one way; below it the flow is called balanced."""

WARMTH_HALF_LIFE_DAYS = 90.0
"""Warmth halves every three months without contact."""

WARMTH_SCALE = 3.0
"""``k`` of the saturating curve ``100·(1 − e^(−raw/k))``: one weight-3 act today scores 63."""

WARMTH_INTERACTION_WEIGHT = 1.0
WARMTH_ENTRY_WEIGHT = 0.5

WARM_AT = 50
"""Scores ≥ 50 are *warm*: e.g. monthly contact, or a weighty act in the last ~6 weeks."""

COOLING_AT = 15
"""Scores 15–49 are *cooling*; below 15 *cold* (e.g. a single coffee more than ~3 months ago)."""


def _decay(on: date, today: date, half_life_days: float) -> float:
    """``0.5^(age/half_life)`` with ``age = max(0, today − on)`` in days (future-dated items count as today)."""
    return decay_for_age((today - on).days, half_life_days)


def decay_for_age(age_days: int, half_life_days: float) -> float:
    """:func:`_decay` for an age in days (negative ages, future-dated items, count as 0).

    For callers that reduce many dated rows at once (the People list): they cache it per age, so each distinct
    day costs one power instead of one per row, with bit-identical results.
    """
    return float(0.5 ** (max(0, age_days) / half_life_days))


# --- balance ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActFlow:
    """The part of an :class:`~recipro_desktop.core.models.Act` the balance needs, for one person.

    ``paid_forward`` marks a *received* act that the owner passed on to someone else: it leaves the
    balance with the person who helped (it is not counted as received from them).
    """

    on: date
    direction: Direction
    weight: int
    paid_forward: bool = False

    @classmethod
    def from_act(cls, act: Act) -> ActFlow:
        """The flow of a stored act (the same for every person it names)."""
        return cls(on=act.occurred_on, direction=act.direction, weight=act.weight, paid_forward=act.paid_forward)


class BalanceLean(enum.StrEnum):
    MOSTLY_GIVING = "mostly_giving"
    BALANCED = "balanced"
    MOSTLY_RECEIVING = "mostly_receiving"
    NONE = "none"


_LEAN_WORDS = {
    BalanceLean.MOSTLY_GIVING: "You've mostly been giving lately",
    BalanceLean.BALANCED: "Balanced",
    BalanceLean.MOSTLY_RECEIVING: "You've mostly been receiving lately",
    BalanceLean.NONE: "No exchanges yet",
}


@dataclass(frozen=True, slots=True)
class Balance:
    """Which way help has been flowing lately.

    Attributes:
        value: decayed given minus decayed received (positive = the owner has been giving more).
        lean: the direction in words a view can switch on.
        strength: ``|value| / (given + received)`` in 0..1 (0 when nothing counts): how one-sided the flow is.
        words: a gentle sentence for the UI; never phrased as a debt.
    """

    value: float
    lean: BalanceLean
    strength: float
    words: str


def balance(acts: Iterable[ActFlow], today: date) -> Balance:
    """The give/receive balance with one person: recent flow, not a ledger.

    Formula (``age`` in days, ``max(0, today − on)``, so future-dated acts count as today)::

        d(a)      = 0.5 ^ (age(a) / 180)
        given     = Σ weight(a)·d(a)  over given acts (paid forward or not)
        received  = Σ weight(a)·d(a)  over received acts that are NOT paid_forward
        value     = given − received
        total     = given + received
        strength  = |value| / total            (0 when total = 0)
        lean      = NONE             if there are no acts at all
                    BALANCED         if total < 1.0 or strength < 0.25
                    MOSTLY_GIVING    if value > 0
                    MOSTLY_RECEIVING otherwise

    Example: given weight 3 today and received weight 1 today → value 2, total 4, strength 0.5, mostly giving.
    A received act the owner paid forward leaves the balance, so only-paid-forward history is "Balanced".
    """
    given = 0.0
    received = 0.0
    seen_any = False
    for act in acts:
        seen_any = True
        amount = act.weight * _decay(act.on, today, BALANCE_HALF_LIFE_DAYS)
        if act.direction is Direction.GIVEN:
            given += amount
        elif not act.paid_forward:
            received += amount
    return balance_from_sums(given, received, seen_any=seen_any)


def balance_from_sums(given: float, received: float, *, seen_any: bool) -> Balance:
    """The last step of :func:`balance`, from its two decayed sums (``seen_any``: there was at least one act).

    For callers that accumulate the sums themselves, in the same order, over many people at once.
    """
    value = given - received
    total = given + received
    strength = abs(value) / total if total > 0 else 0.0
    if not seen_any:
        lean = BalanceLean.NONE
    elif total < BALANCE_MIN_TOTAL or strength < BALANCE_LEAN_AT:
        lean = BalanceLean.BALANCED
    elif value > 0:
        lean = BalanceLean.MOSTLY_GIVING
    else:
        lean = BalanceLean.MOSTLY_RECEIVING
    return Balance(value=value, lean=lean, strength=strength, words=_LEAN_WORDS[lean])


# --- warmth -------------------------------------------------------------------------------------------


class WarmthLabel(enum.StrEnum):
    WARM = "warm"
    COOLING = "cooling"
    COLD = "cold"


@dataclass(frozen=True, slots=True)
class Warmth:
    """How alive a relationship is: ``score`` 0–100, its ``label``, and the undecorated ``raw`` sum."""

    score: int
    label: WarmthLabel
    raw: float


def warmth_label(score: int) -> WarmthLabel:
    """``warm`` at ≥ 50, ``cooling`` at 15–49, ``cold`` below 15."""
    if score >= WARM_AT:
        return WarmthLabel.WARM
    if score >= COOLING_AT:
        return WarmthLabel.COOLING
    return WarmthLabel.COLD


def warmth(
    *,
    acts: Iterable[tuple[date, int]],
    interactions: Iterable[date],
    entries: Iterable[date],
    today: date,
) -> Warmth:
    """How alive the relationship with one person is, from everything that links them.

    Formula (``age`` in days, ``max(0, today − on)``; future-dated items count as today)::

        d(x)  = 0.5 ^ (age(x) / 90)
        raw   = Σ weight·d over acts (either direction)  +  Σ 1·d over interactions
                + Σ 0.5·d over journal entries naming them
        score = round(100 · (1 − e^(−raw / 3)))       (saturating: never above 100)
        label = warm ≥ 50 > cooling ≥ 15 > cold

    Calibration: one weight-3 act today → raw 3, score 63 (warm), cooling after ~7 weeks, cold after
    ~8 months; one coffee today → 28 (cooling); steady monthly contact stays warm (raw ≈ 3.4–4.9);
    yearly contact is cold most of the year. Direction does not matter here (see :func:`balance`).
    """
    raw = 0.0
    for on, weight in acts:
        raw += weight * _decay(on, today, WARMTH_HALF_LIFE_DAYS)
    for on in interactions:
        raw += WARMTH_INTERACTION_WEIGHT * _decay(on, today, WARMTH_HALF_LIFE_DAYS)
    for on in entries:
        raw += WARMTH_ENTRY_WEIGHT * _decay(on, today, WARMTH_HALF_LIFE_DAYS)
    return warmth_from_raw(raw)


def warmth_from_raw(raw: float) -> Warmth:
    """The last step of :func:`warmth`, from its decayed sum ``raw`` (accumulated in the same order)."""
    score = round(100.0 * (1.0 - math.exp(-raw / WARMTH_SCALE)))
    score = min(100, max(0, score))
    return Warmth(score=score, label=warmth_label(score), raw=raw)
