"""Reading the entries of a Recipro export .zip so that a damaged archive is an import error, not a crash (I10).

A zip's central directory and local headers record each entry's sizes and CRC-32. When they lie (edited,
truncated or half-copied archives), :mod:`zipfile` fails only while the entry is being read, and with whatever
its decompressor raises: ``BadZipFile`` ("Bad CRC-32"), ``EOFError`` (the compressed data ends early),
``zlib.error``, ``OSError`` (bzip2), ``LZMAError``, ``NotImplementedError`` (an unknown compression method) or
``RuntimeError`` (an encrypted entry). :class:`EntryStream` turns each into a :class:`CsvError` that names the
entry and says the archive is damaged; the entry's bytes (private notes) are never quoted. The import reads
every entry before it writes anything, so such an error leaves the journal as it was.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO, Any

from recipro_desktop.core.csv_formats import CsvError


def _damage_types() -> tuple[type[Exception], ...]:
    found: list[type[Exception]] = [zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError]
    found.append(RuntimeError)  # "File ... is encrypted, password required for extraction"
    try:
        import lzma  # absent from some Python builds; zipfile then cannot read LZMA entries either

        found.append(lzma.LZMAError)
    except ImportError:
        pass
    return tuple(found)


ZIP_DAMAGE = _damage_types()
"""What :mod:`zipfile` raises for an entry it cannot read back as recorded."""


def damaged_entry(name: str) -> CsvError:
    return CsvError(
        f"The entry {name} of the archive is damaged (its data does not match the sizes or checksum the archive "
        "records, or it is encrypted); nothing was imported. Export the journal again, or import the export "
        "folder instead."
    )


def open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> EntryStream:
    """The entry's bytes; a local header that does not match the central directory is a :class:`CsvError` too."""
    try:
        member = archive.open(info)
    except ZIP_DAMAGE:
        raise damaged_entry(info.filename) from None
    return EntryStream(member, info.filename)


class EntryStream(io.BufferedIOBase):
    """A zip entry's byte stream whose read errors are :class:`CsvError` naming the entry (see the module)."""

    def __init__(self, member: IO[bytes], name: str) -> None:
        super().__init__()
        self._member = member
        self.name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._member.read(-1 if size is None else size)
        except ZIP_DAMAGE:
            raise damaged_entry(self.name) from None

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self._member.tell()

    def close(self) -> None:
        try:
            self._member.close()
        finally:
            super().close()
