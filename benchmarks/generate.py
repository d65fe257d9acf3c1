"""Build (or reuse) the benchmark journal: by default 10,000 people and 200,000 dated items.

The journal is made with the same demo generator as ``recipro demo`` and stored encrypted like a real one,
so every figure is measured on the real code path. It is cached under ``benchmarks/out/`` keyed by its size
and seed; delete the folder to rebuild.

Usage: ``uv run python benchmarks/generate.py [--people N] [--items N]``
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal, open_journal
from recipro_desktop.services.demo import generate_demo, store_demo
from recipro_desktop.storage import vault

OUT = Path(__file__).resolve().parent / "out"
PASSPHRASE = "benchmark-journal"
TODAY = date(2026, 11, 1)


@dataclass(frozen=True)
class Generated:
    paths: JournalPaths
    people: int
    items: int
    generate_s: float  # 0 when the cached journal was reused
    insert_s: float


def journal_for(people: int, items: int, seed: int = 11) -> Generated:
    """Return the cached benchmark journal of this size, generating it the first time."""
    paths = JournalPaths(OUT / f"journal-{people}-{items}-{seed}")
    if vault.journal_state(paths) is vault.JournalState.READY:
        return Generated(paths, people, items, 0.0, 0.0)
    started = time.perf_counter()
    data = generate_demo(people=people, items=items, seed=seed, today=TODAY)
    generated = time.perf_counter() - started
    created = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False)
    started = time.perf_counter()
    store_demo(created.journal.service, data)
    inserted = time.perf_counter() - started
    created.journal.close()
    return Generated(paths, people, items, generated, inserted)


def open_benchmark_journal(paths: JournalPaths):  # type: ignore[no-untyped-def]
    return open_journal(paths, passphrase=PASSPHRASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200_000)
    args = parser.parse_args()
    result = journal_for(args.people, args.items)
    print(f"{result.paths.data_dir}: generated in {result.generate_s:.1f} s, inserted in {result.insert_s:.1f} s")


if __name__ == "__main__":
    main()
