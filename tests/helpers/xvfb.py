"""A real X server for the tests that need one (the tray under trayer, notifications under dunst): Linux only."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a helper process we started, killing it if it does not go within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A fresh Xvfb on a display number it chose itself (``-displayfd``), yielded as ``":N"`` once it accepts
    clients; skips the calling test when it does not start."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "800x600x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as ready:  # Xvfb writes the display number once it accepts clients
            number = ready.readline().strip().decode()
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        stop(xvfb)
