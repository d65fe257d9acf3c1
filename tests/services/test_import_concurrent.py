"""I2: the same file imported twice at the same moment, by two real processes, stores every person once.

Before, each import looked for duplicates, found nobody (the other had not committed yet), and both stored
everyone: every person twice. Now imports into one journal are serialized by the import lock, held from before
the duplicate lookups until the commit, so the second import finds the first one's people ("0 new").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal, open_journal

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "quiet-harbour-lantern-42"
ROWS = 3_000
TRIALS = 3
TIMEOUT = 300


def contacts_csv(path: Path) -> Path:
    lines = ["Name,Email,Notes"]
    lines += [f"Person {i:05d} Example,person{i:05d}@example.org,Met at event {i % 37}" for i in range(ROWS)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def start_import(paths: JournalPaths, source: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "RECIPRO_PASSPHRASE": PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "recipro_desktop", "--data-dir", str(paths.data_dir), "import", str(source)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_i2_the_same_file_imported_by_two_processes_at_once_stores_each_person_once(tmp_path: Path) -> None:
    """I2: two ``recipro import same.csv`` processes started together (both running before either finishes),
    several trials: the journal holds each person once, one import says all new, the other none."""
    source = contacts_csv(tmp_path / "same.csv")
    for trial in range(TRIALS):
        paths = JournalPaths(tmp_path / f"journal-{trial}")
        create_journal(paths, passphrase=PASSPHRASE, use_keyring=False).journal.close()
        first, second = start_import(paths, source), start_import(paths, source)
        both_started = time.monotonic()
        running = [first, second]
        ended: dict[int, float] = {}
        while len(ended) < 2:
            for proc in running:
                if proc.pid not in ended and proc.poll() is not None:
                    ended[proc.pid] = time.monotonic()
            time.sleep(0.01)
        outputs = [proc.communicate(timeout=TIMEOUT) for proc in running]
        for proc, (_out, err) in zip(running, outputs, strict=True):
            assert proc.returncode == 0, err
        # They overlapped: both were running before either had finished.
        assert both_started < min(ended.values())
        summaries = sorted(out for out, _ in outputs)
        assert any(f"{ROWS:,} new" in text for text in summaries), summaries
        assert any("0 new" in text and f"{ROWS:,} identical" in text for text in summaries), summaries
        journal = open_journal(paths, passphrase=PASSPHRASE)
        try:
            counts = Counter(row.display_name for row in journal.service.list_people())
        finally:
            journal.close()
        assert len(counts) == ROWS
        assert max(counts.values()) == 1, f"trial {trial}: {sum(n > 1 for n in counts.values())} people stored twice"


def test_i2_a_preview_overtaken_by_another_import_is_not_stored_again(tmp_path: Path) -> None:
    """I2, the window's path: its preview (a plan) can stay open for minutes. When another process imports the
    same file meanwhile, applying the old plan is refused (ConflictError) instead of adding everyone again."""
    from recipro_desktop.core.errors import ConflictError
    from recipro_desktop.services.importer import apply_import, plan_import, resolve

    source = contacts_csv(tmp_path / "same.csv")
    paths = JournalPaths(tmp_path / "journal")
    journal = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False).journal
    try:
        plan = plan_import(journal.service, source)
        other = start_import(paths, source)
        out, err = other.communicate(timeout=TIMEOUT)
        assert other.returncode == 0, err
        assert f"{ROWS:,} new" in out
        with pytest.raises(ConflictError, match="read the file again"):
            apply_import(journal.service, plan, resolve(plan))
        again = plan_import(journal.service, source)
        report = apply_import(journal.service, again, resolve(again))
        assert report.added == 0 and report.identical == ROWS
        assert len(journal.service.list_people()) == ROWS
    finally:
        journal.close()
