"""A minimal Recipro start-up for the single-instance tests: the guard first, the journal only for the primary.

Run as ``python -m tests.ui.single_instance_child LOCK_DIR DATA_DIR``. Prints one JSON line (role, whether
"activate" was forwarded, whether the storage layer was imported yet), then, for the primary, ``ready`` once the
journal is open and ``activated`` each time another launch asks it to come forward. Exit codes: 0 after a
forwarded activation (secondary), 1 when the primary did not answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    lock_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication([sys.argv[0]])
    from recipro_desktop.ui.single_instance import InstanceRole, SingleInstance

    instance = SingleInstance("recipro", lock_dir)
    role = instance.acquire()
    report = {
        "role": role.value,
        "forwarded": instance.forwarded,
        "problem": instance.problem,
        "storage_imported": any(m.startswith("recipro_desktop.storage") for m in sys.modules),
    }
    print(json.dumps(report), flush=True)
    if role is InstanceRole.SECONDARY:
        return 0 if instance.forwarded else 1
    from recipro_desktop.paths import JournalPaths
    from recipro_desktop.services.access import open_journal

    journal = open_journal(JournalPaths(data_dir), passphrase="pw")
    instance.activate_requested.connect(lambda: print("activated", flush=True))
    print("ready", flush=True)
    try:
        return app.exec()
    finally:
        journal.close()


if __name__ == "__main__":
    sys.exit(main())
