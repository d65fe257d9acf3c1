"""The domain settings, declared once: key, type, default, description (Picard's option registry, typed).

Storage keeps a value per key (as JSON text, see :func:`to_json`/:func:`from_json`); everything else asks
this module for the type and the default, so the Settings dialog, the CLI, the reminder rules and the
backup rotation agree. Values are validated by :func:`coerce`, which also accepts the string forms a
command line or an older stored value may hold (``"true"``, ``"7"``, ``"8:30"``).

Only *domain* settings live here (what the journal does). Window geometry and the like belong to the UI.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.validation import clean_text

SettingValue = int | bool | str | tuple[str, ...] | Mapping[str, object] | None
"""What a setting can hold: the Python value :func:`coerce` returns for its :class:`SettingKind`."""

PROMPT_MAX = 500
PROMPTS_MAX = 50
STATE_MAX_CHARS = 4_000_000
"""A STATE value is rewritten whole on every change: past this size something is wrong (it is pruned far earlier)."""


class SettingKind(enum.StrEnum):
    INT = "int"
    OPTIONAL_INT = "optional_int"  # an int, or None for "not set"
    BOOL = "bool"
    TIME = "time"  # "HH:MM" wall-clock time, 24-hour
    CHOICE = "choice"  # one of ``choices``
    TEXT_LIST = "text_list"  # a tuple of one-line texts
    STATE = "state"  # a JSON object the app keeps for itself (``internal``); its owner validates the inside


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingSpec:
    """One setting: what it is, what it holds, and what it starts as."""

    key: str
    kind: SettingKind
    default: SettingValue
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    internal: bool = False
    """Kept by the app itself (bookkeeping such as the reminders' done/snooze state): settings pages and
    command-line listings leave it out."""


DEFAULT_GRATITUDE_PROMPTS: tuple[str, ...] = (
    "Who helped you this week, and have you told them?",
    "Whose advice turned out to be right lately?",
    "Who made time for you when they didn't have to?",
    "Which introduction changed something for you this year?",
    "Who has quietly supported you for a long time?",
    "What small kindness from someone do you keep thinking about?",
    "Who taught you something useful this month?",
    "Whose work do you admire, and have you said so?",
)

DEFAULT_REFLECTION_PROMPTS: tuple[str, ...] = (
    "Who could you help this week without being asked?",
    "Which promise are you at risk of breaking, and what is the first step?",
    "Who have you not heard from in a while that you miss?",
    "What did someone need that you could not help with, and who could?",
    "Which two people should meet, and why?",
    "Where have you been taking more than giving lately?",
    "What did you learn by listening this week?",
    "Which relationship would you like to deepen this year?",
)

_RULES = (
    ("remind_thanks_owed", "Remind me of thank-yous I still owe."),
    ("remind_my_promises", "Remind me of promises I made as they come due."),
    ("remind_their_promises", "Remind me of promises made to me as they come due."),
    ("remind_keep_in_touch", "Remind me when someone drifts past their keep-in-touch cadence."),
    ("remind_need_follow_ups", "Remind me to follow up on listening notes on their follow-up date."),
    ("remind_birthdays", "Remind me of birthdays ahead of time."),
    ("remind_user_reminders", "Show my own reminders when they are due."),
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        key="thanks_after_days",
        kind=SettingKind.INT,
        default=3,
        minimum=0,
        maximum=365,
        description="Days after receiving help before an unthanked act shows as a thank-you owed.",
    ),
    SettingSpec(
        key="birthday_lead_days",
        kind=SettingKind.INT,
        default=7,
        minimum=0,
        maximum=60,
        description="Days before a birthday that it starts to show.",
    ),
    SettingSpec(
        key="promise_lead_days",
        kind=SettingKind.INT,
        default=1,
        minimum=0,
        maximum=60,
        description="Days before a promise's due date that it starts to show.",
    ),
    SettingSpec(
        key="default_cadence_days",
        kind=SettingKind.OPTIONAL_INT,
        default=None,
        minimum=1,
        maximum=3650,
        description="Keep-in-touch cadence for people without their own (empty: none).",
    ),
    *(SettingSpec(key=key, kind=SettingKind.BOOL, default=True, description=text) for key, text in _RULES),
    SettingSpec(
        key="quiet_hours_start",
        kind=SettingKind.TIME,
        default="22:00",
        description="No notifications from this time (local)...",
    ),
    SettingSpec(
        key="quiet_hours_end",
        kind=SettingKind.TIME,
        default="08:00",
        description="...until this time (local). Equal start and end: no quiet hours.",
    ),
    SettingSpec(
        key="digest",
        kind=SettingKind.CHOICE,
        default="daily",
        choices=("daily", "weekly", "off"),
        description="How often to send a summary notification of what is due.",
    ),
    SettingSpec(
        key="digest_time",
        kind=SettingKind.TIME,
        default="08:30",
        description="When the digest is sent (local time).",
    ),
    SettingSpec(
        key="digest_weekday",
        kind=SettingKind.CHOICE,
        default="monday",
        choices=WEEKDAYS,
        description="The day of a weekly digest.",
    ),
    SettingSpec(
        key="notification_privacy",
        kind=SettingKind.CHOICE,
        default="counts",
        choices=("counts", "full", "names"),
        description="What notifications show: only counts (private), full titles, or counts with first names.",
    ),
    SettingSpec(
        key="tray_icon",
        kind=SettingKind.CHOICE,
        default="auto",
        choices=("auto", "colour", "monochrome"),
        description="The tray icon: automatic (monochrome on Linux panels and the macOS menu bar, colour on "
        "Windows), always colour, or always monochrome.",
    ),
    SettingSpec(
        key="backup_keep",
        kind=SettingKind.INT,
        default=10,
        minimum=1,
        maximum=1000,
        description="How many automatic backups to keep.",
    ),
    SettingSpec(
        key="my_skills",
        kind=SettingKind.TEXT_LIST,
        default=(),
        description="What you can help others with; Today matches it against open listening notes.",
    ),
    SettingSpec(
        key="gratitude_prompts",
        kind=SettingKind.TEXT_LIST,
        default=DEFAULT_GRATITUDE_PROMPTS,
        description="Questions the gratitude journal asks, one at a time.",
    ),
    SettingSpec(
        key="reflection_prompts",
        kind=SettingKind.TEXT_LIST,
        default=DEFAULT_REFLECTION_PROMPTS,
        description="Questions for reflection entries, one at a time.",
    ),
    SettingSpec(
        key="reminder_state",
        kind=SettingKind.STATE,
        default=MappingProxyType({}),
        internal=True,
        description="Which reminders were done, snoozed or already notified (kept by the reminder scheduler).",
    ),
)

SETTINGS: Mapping[str, SettingSpec] = MappingProxyType({spec.key: spec for spec in _SPECS})
"""Every domain setting by key, in declaration order."""


def spec(key: str) -> SettingSpec:
    """The declaration of ``key``; :class:`ValidationError` for an unknown key."""
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError("key", "There is no setting with that name.") from None


def default(key: str) -> SettingValue:
    """The default value of ``key``."""
    return spec(key).default


def defaults() -> dict[str, SettingValue]:
    """Every setting at its default, e.g. to fill in keys a stored journal does not have yet."""
    return {key: s.default for key, s in SETTINGS.items()}


def parse_time(value: str, *, field: str = "value") -> time:
    """``"H:MM"``/``"HH:MM"`` (24-hour) as a :class:`datetime.time`; :class:`ValidationError` otherwise."""
    hours, sep, minutes = value.strip().partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(hours) <= 2 and len(minutes) == 2):
        raise ValidationError(field, "Use a 24-hour time such as 08:30.")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValidationError(field, "Use a 24-hour time such as 08:30.")
    return time(h, m)


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def coerce(key: str, value: object) -> SettingValue:
    """``value`` checked and converted for ``key``, or :class:`ValidationError` whose ``field`` is ``key``.

    Accepts the native type and, for values coming from a command line or older storage, strings:
    ``"7"`` for ints, ``"true"``/``"no"``/``"1"`` for booleans, ``""``/``"none"`` for an unset optional
    int, ``"8:30"`` for times (normalised to ``"08:30"``), choices case-insensitively, and for text lists
    either a list of texts or one text with a prompt per line. Messages never repeat the value.
    """
    s = spec(key)
    if s.kind is SettingKind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise ValidationError(key, "Use yes or no (true/false).")
    if s.kind in (SettingKind.INT, SettingKind.OPTIONAL_INT):
        if s.kind is SettingKind.OPTIONAL_INT and (
            value is None or (isinstance(value, str) and value.strip().casefold() in ("", "none"))
        ):
            return None
        number: int
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        else:
            raise ValidationError(key, "Use a whole number.")
        if (s.minimum is not None and number < s.minimum) or (s.maximum is not None and number > s.maximum):
            raise ValidationError(key, f"Use a number from {s.minimum} to {s.maximum}.")
        return number
    if s.kind is SettingKind.TIME:
        if isinstance(value, time):
            return f"{value.hour:02d}:{value.minute:02d}"
        if not isinstance(value, str):
            raise ValidationError(key, "Use a 24-hour time such as 08:30.")
        t = parse_time(value, field=key)
        return f"{t.hour:02d}:{t.minute:02d}"
    if s.kind is SettingKind.CHOICE:
        if isinstance(value, str) and value.strip().casefold() in s.choices:
            return value.strip().casefold()
        raise ValidationError(key, "Choose one of: " + ", ".join(s.choices) + ".")
    if s.kind is SettingKind.STATE:
        return _state(key, value)
    # TEXT_LIST
    items: list[object]
    if isinstance(value, str):
        items = list(value.splitlines())
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValidationError(key, "Use a list of texts.")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(key, "Use a list of texts.")
        text = " ".join(clean_text(item).split())
        if not text:
            continue
        if len(text) > PROMPT_MAX:
            raise ValidationError(key, f"Each entry can be at most {PROMPT_MAX} characters.")
        out.append(text)
    if len(out) > PROMPTS_MAX:
        raise ValidationError(key, f"Use at most {PROMPTS_MAX} entries.")
    return tuple(out)


def _state(key: str, value: object) -> dict[str, object]:
    """A JSON object (or its text), returned as a fresh plain ``dict`` so no caller shares a mutable value."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(key, "Use a JSON object.") from None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError(key, "Use a JSON object.")
    try:
        text = json.dumps(dict(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError(key, "Use a JSON object of texts, numbers, lists and objects.") from None
    if len(text) > STATE_MAX_CHARS:
        raise ValidationError(key, "This value is too large to store.")
    decoded: dict[str, object] = json.loads(text)
    return decoded


def to_json(key: str, value: object) -> str:
    """``value`` coerced for ``key`` and encoded for storage."""
    coerced = coerce(key, value)
    if isinstance(coerced, Mapping):
        return json.dumps(dict(coerced), ensure_ascii=False)
    return json.dumps(list(coerced) if isinstance(coerced, tuple) else coerced, ensure_ascii=False)


def from_json(key: str, text: str) -> SettingValue:
    """A stored value decoded and re-validated; :class:`ValidationError` if it no longer fits."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise ValidationError(key, "The stored value of this setting is not readable.") from None
    return coerce(key, raw)


def resolve(stored: Mapping[str, object]) -> dict[str, SettingValue]:
    """Every setting: the stored value where it is valid, the default otherwise (unknown keys ignored).

    A value that no longer validates (a range narrowed in a later version) falls back to the default
    rather than breaking start-up; the caller can compare with ``stored`` to report it.
    """
    out = defaults()
    for key, value in stored.items():
        if key in SETTINGS:
            try:
                out[key] = coerce(key, value)
            except ValidationError:
                out[key] = SETTINGS[key].default
    return out
