"""``python -m recipro_desktop`` is the same as the ``recipro`` command."""

import sys

from recipro_desktop.cli import main

sys.exit(main())
