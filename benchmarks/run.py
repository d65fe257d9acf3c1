"""Recipro's performance figures, each measured beside its physical floor in the same run (DESIGN §6).

A figure is the median of several timed runs of the real code path (service → repository → SQLCipher); its
floor is the same work done the most direct way possible on the same data in the same process (the raw SQL or
FTS5 query on a raw SQLCipher connection, a raw ``executemany``...). The ratio figure/floor is what the targets
speak of, so a slow or busy machine moves both and the ratio stays meaningful.

Usage::

    uv run python benchmarks/run.py [--people N] [--items N] [--json] [--only NAME ...]

The first run builds the journal (10,000 people / 200,000 items by default) under ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keyring
from keyring.backend import KeyringBackend

from benchmarks.floors import executemany_floor_ms, people_list_floor
from benchmarks.generate import PASSPHRASE, TODAY, journal_for
from recipro_desktop.core.models import TimelineFilter
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal, open_journal
from recipro_desktop.services.demo import generate_demo, store_demo
from recipro_desktop.storage import driver, keyslots, vault

SEARCH_TERMS = ("intro", "pitch deck", "coffee", "ana", "referral hiring", "mentor", "berlin", "reykj")


@dataclass
class Figure:
    name: str
    what: str
    value_ms: float
    floor_ms: float | None
    floor_what: str
    target_ratio: float | None
    target_ms: float | None = None

    @property
    def ratio(self) -> float:
        if self.floor_ms is None:
            return float("nan")
        return self.value_ms / self.floor_ms if self.floor_ms > 0 else float("inf")

    @property
    def met(self) -> bool:
        ok = self.target_ratio is None or self.ratio <= self.target_ratio
        if self.target_ms is not None:
            ok = ok and self.value_ms <= self.target_ms
        return ok


def timed(fn: Callable[[], Any], *, repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class _MemoryKeyring(KeyringBackend):
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


# --- figures ------------------------------------------------------------------------------------------------


def bench_timeline(journal: Any, raw: Any) -> Figure:
    service = journal.service
    sql = (
        "SELECT kind, item_id, day, created, title, subkind, direction, people FROM item_index "
        "WHERE day IS NOT NULL ORDER BY day DESC, created DESC, item_id DESC LIMIT 200"
    )
    floor = timed(lambda: raw.execute(sql).fetchall(), repeat=30)
    value = timed(lambda: service.timeline(TimelineFilter(), limit=200), repeat=30)
    return Figure(
        "timeline_first_page",
        "first 200-row page of the global timeline (service)",
        value,
        floor,
        "the raw SQL for the same 200 rows",
        3.0,
    )


def bench_list_people(journal: Any, raw: Any) -> Figure:
    """``list_people`` (every person with last interaction, balance and warmth: what the People list, Today and
    the Needs board wait on) vs the same tables read with raw SQL aggregates (:func:`people_list_floor`)."""
    service = journal.service
    today = date.today()  # the service's clock is the system's
    count = people_list_floor(raw, today)
    floor = timed(lambda: people_list_floor(raw, today), repeat=5)
    value = timed(lambda: service.list_people(include_archived=True), repeat=5)
    return Figure(
        "list_people",
        f"list_people() of {count:,} people with their derived figures (service)",
        value,
        floor,
        "raw SQL over the same tables: people, tags, open needs, one GROUP BY over timeline_people",
        None,
    )


def bench_search(journal: Any, raw: Any) -> Figure:
    from recipro_desktop.storage.fts import match_expression

    service = journal.service
    expressions = [match_expression(t) for t in SEARCH_TERMS]

    def floor_all() -> None:
        for expression in expressions:
            raw.execute(
                "SELECT rowid FROM item_fts WHERE item_fts MATCH ? ORDER BY rank LIMIT 50", (expression,)
            ).fetchall()

    def value_all() -> None:
        for term in SEARCH_TERMS:
            service.search(term, limit=50)

    floor = timed(floor_all, repeat=10) / len(SEARCH_TERMS)
    value = timed(value_all, repeat=10) / len(SEARCH_TERMS)
    return Figure(
        "search",
        f"search as you type, 50 best hits, mean of {len(SEARCH_TERMS)} queries (service)",
        value,
        floor,
        "the raw FTS5 MATCH … ORDER BY rank LIMIT 50",
        2.0,
        30.0,
    )


def bench_open(paths: JournalPaths, key: bytes) -> Figure:
    def floor_open() -> None:
        conn = driver.dbapi().connect(str(paths.database))
        conn.execute(driver.key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA quick_check").fetchall()
        conn.close()

    def value_open() -> None:
        opened = open_journal(paths)
        opened.service.stats()
        opened.close()

    floor = timed(floor_open, repeat=5)
    value = timed(value_open, repeat=5)
    return Figure(
        "open_unlock",
        "unlock from the keyring + open + checks + first query (service)",
        value,
        floor,
        "raw SQLCipher connect + key + quick_check",
        None,
    )


def bench_bulk_insert(tmp: Path, people: int, items: int) -> Figure:
    """``add_many`` into a new journal vs raw executemany of the very rows it wrote into the same empty schema."""
    data = generate_demo(people=people, items=items, seed=3, today=TODAY)
    target = JournalPaths(tmp / f"bulk-{time.time_ns()}")
    created = create_journal(target, passphrase=PASSPHRASE, use_keyring=False)
    service = created.journal.service
    started = time.perf_counter()
    store_demo(service, data)
    value = (time.perf_counter() - started) * 1000
    try:
        floor, total = executemany_floor_ms(created.journal, tmp, PASSPHRASE)
    finally:
        created.journal.close()
    return Figure(
        "bulk_insert",
        f"add_many of {people:,} people + {items:,} items ({total:,} rows in all tables)",
        value,
        floor,
        "raw executemany of the same rows into the same schema, one transaction",
        None,
    )


def bench_cold_start(paths: JournalPaths) -> Figure:
    from benchmarks.gui_start import measure_cold_start

    start = measure_cold_start(paths.data_dir, PASSPHRASE, runs=3)
    return Figure(
        "cold_start",
        "Recipro started on the journal until its main window painted (median of 3)",
        start.painted * 1000,
        start.bare_painted * 1000,
        "a bare PySide6 window that shows and quits",
        1.3,
    )


def bench_views(paths: JournalPaths, want: set[str] | None) -> list[Figure]:
    """The timeline and people views on the full journal, in this process (offscreen)."""
    from benchmarks.gui_people import measure_people
    from benchmarks.gui_timeline import measure_timeline

    figures = []
    journal = open_journal(paths)
    try:
        if want is None or "timeline_view" in want:
            t = measure_timeline(journal.service, target_row=5000, freeze_gc=True)
            figures.append(
                Figure(
                    "timeline_view_page",
                    "Timeline view: first page shown (background load)",
                    t.first_page_ms,
                    t.service_first_page_ms,
                    "the service call alone",
                    None,
                )
            )
            figures.append(
                Figure(
                    "timeline_scroll_stall",
                    f"worst event-loop stall scrolling to row {t.rows_reached:,}",
                    t.worst_stall_ms,
                    None,
                    "",
                    None,
                    100.0,
                )
            )
        if want is None or "people_filter" in want:
            p = measure_people(journal.service, freeze_gc=True)
            figures.append(
                Figure(
                    "people_load",
                    f"People view: {p.rows:,} rows loaded and shown",
                    p.load_ms,
                    p.list_people_ms,
                    "list_people() alone",
                    None,
                )
            )
            figures.append(
                Figure(
                    "people_filter_key",
                    "People filter: a keystroke to updated rows painted (median over every letter typed and deleted)",
                    p.keystroke_median_ms,
                    p.repaint_floor_ms,
                    "repainting one screen of rows, nothing changed",
                    None,
                    50.0,
                )
            )
            figures.append(
                Figure(
                    "people_filter_max",
                    f"People filter: the slowest keystroke (p90 {p.keystroke_p90_ms:.0f} ms)",
                    p.keystroke_max_ms,
                    None,
                    "",
                    None,
                    100.0,
                )
            )
    finally:
        journal.close()
    return figures


def bench_csv_import(tmp: Path, rows: int) -> list[Figure]:
    from benchmarks.csv_import import bench_import

    r = bench_import(tmp, rows)
    return [
        Figure(
            "csv_import",
            f"import of {rows:,} contact rows through the importer (one transaction)",
            r["value_ms"],
            r["floor_ms"],
            "raw executemany of the same rows into the same schema",
            r["target_ratio"],
        ),
        Figure(
            "csv_import_stall",
            "worst GUI event-loop stall during that import",
            r["max_stall_ms"],
            None,
            "",
            None,
            r["target_stall_ms"],
        ),
    ]


# --- main ---------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--only", nargs="*", default=None, help="run only these figures")
    parser.add_argument("--csv-rows", type=int, default=100_000, help="rows in the CSV import figure")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    keyslots.kdf_params = keyslots.RECOMMENDED_KDF
    keyring.set_keyring(_MemoryKeyring())

    generated = journal_for(args.people, args.items)
    paths = generated.paths
    # Unlock through a (memory) keyring, as a desktop start would: Argon2id is deliberately slow and is not
    # what the open figure is about.
    key = vault.unlock(paths, passphrase=PASSPHRASE).key
    vault.store_in_keyring(paths, key)

    want = set(args.only) if args.only else None
    figures: list[Figure] = []
    journal = open_journal(paths)
    raw = driver.connect(paths.database, key, quick_check=False)
    try:
        if want is None or "timeline_first_page" in want:
            figures.append(bench_timeline(journal, raw))
        if want is None or "search" in want:
            figures.append(bench_search(journal, raw))
        if want is None or "list_people" in want:
            figures.append(bench_list_people(journal, raw))
    finally:
        raw.close()
        journal.close()
    if want is None or "open_unlock" in want:
        figures.append(bench_open(paths, key))
    if want is None or "bulk_insert" in want:
        figures.append(
            bench_bulk_insert(paths.data_dir.parent, max(args.people // 10, 100), max(args.items // 10, 2000))
        )

    if want is None or "cold_start" in want:
        figures.append(bench_cold_start(paths))
    if want is None or want & {"timeline_view", "people_filter"}:
        figures.extend(bench_views(paths, want))
    if want is None or "csv_import" in want:
        figures.extend(bench_csv_import(paths.data_dir.parent, args.csv_rows))

    if args.json:
        print(
            json.dumps(
                {
                    "journal": {"people": args.people, "items": args.items},
                    "figures": [
                        asdict(f) | {"ratio": None if f.floor_ms is None else round(f.ratio, 2), "met": f.met}
                        for f in figures
                    ],
                },
                indent=2,
            )
        )
    else:
        print(f"Journal: {args.people:,} people, {args.items:,} items ({paths.data_dir})")
        if generated.insert_s:
            print(f"  (built now: generated in {generated.generate_s:.1f} s, stored in {generated.insert_s:.1f} s)")
        print(f"{'figure':<22} {'value':>10} {'floor':>10} {'ratio':>7}  target")
        for f in figures:
            target = "" if f.target_ratio is None else f"≤ {f.target_ratio:g}×"
            if f.target_ms is not None:
                target += f"{' and ' if target else ''}≤ {f.target_ms:g} ms"
            verdict = "" if not target else ("  met" if f.met else "  MISSED")
            floor = f"{f.floor_ms:>8.2f}ms" if f.floor_ms is not None else f"{'—':>10}"
            ratio = f"{f.ratio:>6.2f}×" if f.floor_ms is not None else f"{'':>7}"
            print(f"{f.name:<22} {f.value_ms:>8.2f}ms {floor} {ratio}  {target}{verdict}")
            print(f"    {f.what}" + (f"; floor: {f.floor_what}" if f.floor_what else ""))
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
