"""Recipro: a private, encrypted desktop journal of the reciprocal relationships in a person's network."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("recipro")
except PackageNotFoundError:  # running from a source tree that was not installed (e.g. a frozen bundle)
    __version__ = "0.1.0"

APP_NAME = "Recipro"
APP_ID = "recipro"
