"""Test machines only (Wine 8): installed into the Windows Python that runs the tests and PyInstaller.

Python 3.12's ``shutil.copy2`` copies through ``_winapi.CopyFile2`` when it exists; Wine 8 declares the
function but does not implement it (the process stops in Wine's debugger). Without the attribute, shutil
copies by hand, as on Python 3.11. Windows 8 and later have CopyFile2: never ship this file.
"""

import sys

if sys.platform == "win32":
    import _winapi

    if hasattr(_winapi, "CopyFile2"):
        del _winapi.CopyFile2
