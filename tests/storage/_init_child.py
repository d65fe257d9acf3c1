"""``recipro init`` that kills itself with SIGKILL at a chosen point of the creation (RELIABILITY I6 tests).

Run as ``python -m tests.storage._init_child POINT ARGV...`` (ARGV: the ``recipro`` arguments). POINT is
``none`` (just run the command), ``fs:N`` (the N-th step of an atomic file write: the pending-init marker's
steps are 1-4, the key-slot file's 5-8), ``keyring`` (the key was just stored in the keyring, no key-slot file
yet), ``db-file`` (the database file was just created, no schema yet), ``db-schema`` (the database is complete,
the marker not yet removed) or ``finished`` (just after the marker was removed: a complete journal, before
anything was printed). Only *where* the kill lands is arranged; the kill itself is a real ``kill -9``
(TerminateProcess on Windows). New passphrase slots get the tests' cheap KDF cost (the cost is stored in the
slot, so any process unlocks them).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from recipro_desktop import cli
from recipro_desktop.storage import driver, fsutil, keyslots, keystore, migrate, pending_init


def die(*_args: object) -> None:
    os.kill(os.getpid(), 9)


def kill_after(module: Any, name: str) -> None:
    original = getattr(module, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        die()
        return result

    setattr(module, name, wrapped)


def main() -> int:
    point, argv = sys.argv[1], sys.argv[2:]
    keyslots.kdf_params = keyslots.KdfParams(memory_cost=64, iterations=1, lanes=1)
    if point == "none":
        pass
    elif point.startswith("fs:"):
        wanted, seen = int(point[3:]), [0]

        def crash(_step: str) -> None:
            seen[0] += 1
            if seen[0] == wanted:
                die()

        fsutil.crash_point = crash
    else:
        module, name = {
            "keyring": (keystore, "store_secret"),
            "db-file": (driver, "connect"),
            "db-schema": (migrate, "upgrade"),
            "finished": (pending_init, "finish"),
        }[point]
        kill_after(module, name)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
