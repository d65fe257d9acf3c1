"""An injectable clock, so that every rule about "now" can be tested with a fixed or moving time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    def today(self) -> date:
        """The current local calendar day."""
        ...


class SystemClock:
    """The real clock: UTC instants, local-time calendar days."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now().astimezone().date()


@dataclass
class FixedClock:
    """A clock that stays where it is set until moved; for tests and for ``--now``."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 15, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.date()

    def advance(self, delta: timedelta) -> None:
        self.current += delta
