"""The frozen app's entry point: PyInstaller runs this file as ``__main__`` (``recipro`` on the command line)."""

import sys

from recipro_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
