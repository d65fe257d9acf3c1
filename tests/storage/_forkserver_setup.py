"""Imported only by the kill-test fork server, after the app: make forked children start in milliseconds.

- Python 3.11's fork server never preloads the parent's ``__main__`` (it looks for a ``main_path`` key the
  preparation data does not have), so each child would re-run the main script (pytest's launcher, i.e.
  import pytest) before its target. The parent passes the script's path in ``RECIPRO_FORKSERVER_MAIN``;
  importing it here, as ``multiprocessing`` itself would, makes children skip that step.
- A forked child shares the server's memory copy-on-write; its cyclic garbage collector would walk every
  inherited object and so copy nearly all of it. ``gc.freeze()`` moves them out of the collector's reach.
"""

import gc
import os
from multiprocessing import spawn

_main_path = os.environ.get("RECIPRO_FORKSERVER_MAIN")
if _main_path:
    spawn.import_main_path(_main_path)
gc.freeze()
