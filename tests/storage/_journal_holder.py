"""A second process that keeps a journal open, for the journal-lock tests (RELIABILITY I1).

Run as ``python -m tests.storage._journal_holder DATA_DIR [--window]`` with the passphrase in
``$RECIPRO_PASSPHRASE``. It opens the journal the way every command does (:func:`services.access.open_journal`),
or with ``--window`` the way the window does (its single-instance guard first, then the unlock dialog's
``open_job``), prints ``open``, then obeys one line at a time on stdin: ``add NAME`` adds a person and prints
``added`` once the commit returned (an acknowledged write); ``quit`` (or end of input) closes the journal and
exits 0.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import open_journal


def main() -> int:
    paths = JournalPaths(Path(sys.argv[1]))
    passphrase = os.environ["RECIPRO_PASSPHRASE"]
    if "--window" in sys.argv[2:]:
        from PySide6.QtCore import QCoreApplication

        from recipro_desktop.core.clock import SystemClock
        from recipro_desktop.ui.single_instance import InstanceRole, SingleInstance
        from recipro_desktop.ui.unlock_dialog import open_job

        app = QCoreApplication([sys.argv[0]])
        instance = SingleInstance("recipro", paths.data_dir)
        if instance.acquire() is not InstanceRole.PRIMARY:
            return 1
        journal = open_job(paths, passphrase, SystemClock())
        del app
    else:
        journal = open_journal(paths, passphrase=passphrase)
    print("open", flush=True)
    try:
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            if command == "add":
                journal.service.add_person(Person(display_name=arg))
                print("added", flush=True)
            elif command == "quit":
                break
    finally:
        journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
