"""The typed settings registry: defaults, coercion of user and stored values, storage round trip."""

from __future__ import annotations

from datetime import time

import pytest

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.settings import (
    SETTINGS,
    SettingKind,
    coerce,
    default,
    defaults,
    from_json,
    parse_time,
    resolve,
    to_json,
)


def test_documented_defaults() -> None:
    assert default("thanks_after_days") == 3
    assert default("birthday_lead_days") == 7
    assert default("promise_lead_days") == 1
    assert default("default_cadence_days") is None
    assert default("quiet_hours_start") == "22:00"
    assert default("quiet_hours_end") == "08:00"
    assert default("digest") == "daily"
    assert default("digest_time") == "08:30"
    assert default("notification_privacy") == "counts"
    assert default("backup_keep") == 10
    prompts = default("gratitude_prompts")
    assert isinstance(prompts, tuple) and len(prompts) >= 8
    assert "Who helped you this week, and have you told them?" in prompts
    reflection = default("reflection_prompts")
    assert isinstance(reflection, tuple) and len(reflection) >= 6
    assert all(SETTINGS[k].default is True for k in SETTINGS if k.startswith("remind_"))


def test_every_default_is_valid_and_described() -> None:
    for key, spec in SETTINGS.items():
        assert spec.key == key
        assert spec.description
        assert coerce(key, spec.default) == spec.default
        if spec.kind is SettingKind.CHOICE:
            assert spec.default in spec.choices
    assert defaults()["digest"] == "daily"


def test_unknown_key() -> None:
    with pytest.raises(ValidationError) as info:
        coerce("no_such_setting", 1)
    assert info.value.field == "key"
    with pytest.raises(ValidationError):
        default("no_such_setting")


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), ("yes", True), (" ON ", True), ("0", False), (False, False)]
)
def test_bool(value: object, expected: bool) -> None:
    assert coerce("remind_birthdays", value) is expected


@pytest.mark.parametrize("value", ["maybe", 1, None, ""])
def test_bad_bool(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        coerce("remind_birthdays", value)
    assert info.value.field == "remind_birthdays"


def test_int_and_range() -> None:
    assert coerce("thanks_after_days", 0) == 0
    assert coerce("thanks_after_days", " 14 ") == 14
    for bad in (-1, 366, "3.5", 2.0, True, "three"):
        with pytest.raises(ValidationError):
            coerce("thanks_after_days", bad)


def test_optional_int() -> None:
    assert coerce("default_cadence_days", None) is None
    assert coerce("default_cadence_days", "") is None
    assert coerce("default_cadence_days", "None") is None
    assert coerce("default_cadence_days", "30") == 30
    with pytest.raises(ValidationError):
        coerce("default_cadence_days", 0)
    with pytest.raises(ValidationError):
        coerce("default_cadence_days", 3651)


def test_times_are_normalised() -> None:
    assert coerce("digest_time", "8:30") == "08:30"
    assert coerce("quiet_hours_start", time(23, 5)) == "23:05"
    assert parse_time("00:00") == time(0, 0)
    for bad in ("24:00", "12:60", "noon", "12", "1:2", "-1:00", 830):
        with pytest.raises(ValidationError):
            coerce("digest_time", bad)


def test_choices() -> None:
    assert coerce("notification_privacy", "FULL") == "full"
    assert coerce("digest", "weekly") == "weekly"
    with pytest.raises(ValidationError) as info:
        coerce("notification_privacy", "everything")
    assert "counts, full" in str(info.value)


def test_text_lists() -> None:
    assert coerce("gratitude_prompts", "First?\n\n  Second  one? \n") == ("First?", "Second one?")
    assert coerce("gratitude_prompts", ["a\x00b", "  "]) == ("ab",)
    assert coerce("gratitude_prompts", []) == ()
    with pytest.raises(ValidationError):
        coerce("gratitude_prompts", ["x" * 501])
    with pytest.raises(ValidationError):
        coerce("gratitude_prompts", [1])
    with pytest.raises(ValidationError):
        coerce("gratitude_prompts", ["p"] * 51)


def test_json_round_trip() -> None:
    for key, spec in SETTINGS.items():
        assert from_json(key, to_json(key, spec.default)) == spec.default
    assert to_json("gratitude_prompts", ["Zoë?"]) == '["Zoë?"]'
    with pytest.raises(ValidationError):
        from_json("backup_keep", "{not json")
    with pytest.raises(ValidationError):
        from_json("backup_keep", "0")


def test_resolve_falls_back_to_defaults() -> None:
    values = resolve({"backup_keep": 3, "digest": "hourly", "removed_in_v2": 1, "quiet_hours_start": "21:00"})
    assert values["backup_keep"] == 3
    assert values["digest"] == "daily"
    assert values["quiet_hours_start"] == "21:00"
    assert "removed_in_v2" not in values
    assert set(values) == set(SETTINGS)
