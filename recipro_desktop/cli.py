"""The ``recipro`` command."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    print("Recipro: the command line is being built.")
    return 0
