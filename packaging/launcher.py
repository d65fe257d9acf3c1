"""The frozen app's entry point: PyInstaller runs this file as ``__main__`` (``recipro`` on the command line).

Core dumps are turned off before anything else is imported (RELIABILITY I14, :mod:`recipro_desktop.hardening`).
"""

import sys

if __name__ == "__main__":
    from recipro_desktop.hardening import disable_core_dumps

    disable_core_dumps()
    from recipro_desktop.cli import main

    sys.exit(main())
