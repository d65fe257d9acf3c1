"""CSV import benchmark: 100,000 contact rows through the real import path, beside its physical floor.

DESIGN §6: importing 100,000 rows must stay within 3× a raw ``executemany`` of the same rows into the same
schema, and must not freeze the window (worst event-loop stall ≤ 100 ms).

- **value**: a generated contacts CSV (names, emails, organisation, role, tags, a birthday, multi-line notes with
  commas and quotes) imported into a new journal exactly as the wizard does it: ``plan_import`` (read, map,
  validate, match) then ``apply_import`` (one transaction), both run as a ``JournalClient.long_job`` on the
  :class:`TaskRunner` worker while the GUI event loop runs a 10 ms ``QTimer``;
- **floor**: every row the import wrote (people, tags, tag links, timeline and search index, FTS5) copied into an
  empty journal with one raw ``executemany`` per table in one transaction on a raw SQLCipher connection;
- **stall**: the longest gap between two 10 ms timer ticks on the GUI thread while the import ran, minus 10 ms.

Usage::

    uv run python benchmarks/csv_import.py [--rows N] [--json]

``bench_import(tmp, rows)`` is what ``benchmarks/run.py`` calls.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floors import executemany_floor_ms

TARGET_RATIO = 3.0
TARGET_STALL_MS = 100.0
TICK_MS = 10
PASSPHRASE = "benchmark passphrase"


def write_contacts_csv(path: Path, rows: int) -> None:
    """A realistic contacts file: 9 columns, multi-line quoted notes, a few tags, some birthdays."""
    cities = ("Berlin", "Lisbon", "Reykjavík", "São Paulo", "Kraków", "Nairobi", "Osaka", "Montréal")
    roles = ("Engineer", "Founder", "Designer", "Recruiter", "Professor", "Product manager")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("First Name,Last Name,Email Address,Company,Position,Location,Birthday,Tags,Notes\n")
        for i in range(rows):
            birthday = f"{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 3 else ""
            notes = f'"Met at the {i % 50}th meetup, talked about ""scaling"", hiring.\nFollow up in spring."'
            out.write(
                f"Ana{i},Lima {i % 977},person{i}@example.org,Company {i % 300},{roles[i % len(roles)]},"
                f"{cities[i % len(cities)]},{birthday},friends;work;{cities[i % len(cities)].lower()},{notes}\n"
            )


def bench_import(tmp: Path, rows: int) -> dict[str, Any]:
    """Import ``rows`` contact rows through the TaskRunner while measuring GUI stalls; compare with the floor.

    Returns a dict with ``value_ms``, ``floor_ms``, ``ratio``, ``max_stall_ms`` and whether both targets were met.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from recipro_desktop.paths import JournalPaths
    from recipro_desktop.services import importer
    from recipro_desktop.services.access import create_journal
    from recipro_desktop.ui.journal_client import JournalClient
    from recipro_desktop.ui.task_runner import TaskRunner

    tmp.mkdir(parents=True, exist_ok=True)
    source = tmp / f"contacts-{rows}.csv"
    write_contacts_csv(source, rows)
    app = QApplication.instance() or QApplication([])
    journal = create_journal(
        JournalPaths(tmp / f"csv-import-{time.time_ns()}"), passphrase=PASSPHRASE, use_keyring=False
    ).journal
    runner = TaskRunner()
    client = JournalClient(journal.service, runner)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)

    def job(service: Any, token: Any) -> Any:
        plan = importer.plan_import(service, source, cancelled=lambda: token.cancelled)
        resolution = importer.resolve(plan)
        report = importer.apply_import(service, plan, resolution, cancelled=lambda: token.cancelled)
        importer.release(plan, resolution)  # as the wizard's worker would: never one 100 ms free of 100k rows
        return report

    def done(report: Any) -> None:
        outcome["report"] = report
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    clock.start()
    timer.start()
    started = time.perf_counter()
    client.long_job(job, done, name="benchmark-import", on_error=failed)
    loop.exec()
    value = (time.perf_counter() - started) * 1000
    timer.stop()
    runner.shutdown(timeout=60)
    if "error" in outcome:
        journal.close()
        raise outcome["error"]
    report = outcome["report"]
    try:
        floor, copied = executemany_floor_ms(journal, tmp, PASSPHRASE)
    finally:
        journal.close()
    del app
    stall = max((g - TICK_MS for g in gaps[1:]), default=0.0)
    ratio = value / floor if floor else float("inf")
    return {
        "name": "csv_import",
        "rows": rows,
        "added": report.added,
        "value_ms": round(value, 1),
        "floor_ms": round(floor, 1),
        "floor_rows": copied,
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "max_stall_ms": round(max(stall, 0.0), 1),
        "target_stall_ms": TARGET_STALL_MS,
        "met": ratio <= TARGET_RATIO and stall <= TARGET_STALL_MS,
    }


def main() -> int:
    import tempfile

    import keyring
    from keyring.backend import KeyringBackend

    class _Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    keyring.set_keyring(_Memory())
    with tempfile.TemporaryDirectory(prefix="recipro-csv-bench-") as folder:
        result = bench_import(Path(folder), args.rows)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"csv_import: {result['rows']:,} rows in {result['value_ms']:,.0f} ms; floor {result['floor_ms']:,.0f} ms "
            f"({result['floor_rows']:,} rows, raw executemany) → {result['ratio']:.2f}× (target ≤ {TARGET_RATIO:g}×); "
            f"worst GUI stall {result['max_stall_ms']:.0f} ms (target ≤ {TARGET_STALL_MS:g} ms)"
            + ("  met" if result["met"] else "  MISSED")
        )
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
